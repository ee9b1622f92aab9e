"""Parser throughput over the dev corpus on one process: messages/second and p99 latency.

The corpus is tests/fixtures/corpus/dev.jsonl (or --corpus FILE).

Run: .venv/bin/python benchmarks/parse_bench.py [--rounds N]
Target: ≥ 5,000 messages/s and p99 < 2 ms per message.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime
from pathlib import Path

from gridbot.intents import parse
from gridbot.storage.catalog_file import load_default_catalog

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "corpus" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpus (default 20)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    catalog = load_default_catalog()
    cases = []
    for line in args.corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            sent_at = datetime.fromisoformat(record["sent_at"]) if record.get("sent_at") else None
            cases.append((record["text"], sent_at))
    for text, sent_at in cases:  # warm-up: regex compilation and the catalog matcher are built once
        parse(text, sent_at, catalog)
    timings: list[float] = []
    started = time.perf_counter()
    for _ in range(args.rounds):
        for text, sent_at in cases:
            t0 = time.perf_counter()
            parse(text, sent_at, catalog)
            timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    print(f"messages:        {len(timings)} ({len(cases)} × {args.rounds} rounds)")
    print(f"throughput:      {len(timings) / elapsed:,.0f} messages/s")
    print(f"mean:            {statistics.fmean(timings) * 1000:.3f} ms")
    print(f"p50:             {timings[len(timings) // 2] * 1000:.3f} ms")
    print(f"p99:             {p99:.3f} ms")
    print(f"max:             {timings[-1] * 1000:.3f} ms")


if __name__ == "__main__":
    main()
