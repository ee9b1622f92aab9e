"""Messages per second through the whole dispatcher (store, parse, rules, outbox) on one SQLite file.

Run: .venv/bin/python benchmarks/dispatch_bench.py [N]
Plays N grid-worker reports (half chat, half reports) against the demo organisation and prints throughput and
p50/p99 latency per message, beside a floor measured in the same run: the same messages only stored in the inbox
(one insert and one commit each), which every message costs before any rule runs. A benchmark, not a test.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from gridbot.bot import inbox
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.messages import IncomingMessage
from gridbot.clock import SHANGHAI, SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.database import create_schema, make_engine, transaction
from gridbot.storage.importers import import_org_node
from gridbot.storage.yamlfile import load_yaml_text

TEXTS = (
    "#上报 东村3组路边有人倒了建筑垃圾，约2方",
    "大家辛苦了，今天的巡查情况记得按时上报哈",
    "【事件上报】\n类别：城市管理\n地点：东村2组\n处置前：路灯不亮\n处置后：已联系电工修好",
    "好的，我下午过去看看",
)


def main(count: int) -> None:
    from datetime import datetime

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        create_schema(engine)
        start = datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)
        org = resources.files("gridbot.data").joinpath("demo-org.yaml").read_text(encoding="utf-8")
        with transaction(engine) as session:
            import_org_node(session, load_yaml_text(org), now=start)
        clock = SimulatedClock(start)
        dispatcher = Dispatcher(engine, Settings(), clock)
        timings: list[float] = []
        began = time.perf_counter()
        for n in range(count):
            clock.advance(timedelta(seconds=5))
            message = IncomingMessage(
                channel="bench",
                message_id=str(n),
                conversation="东村第一网格群",
                sender="王芳",
                sent_at=clock.now(),
                text=TEXTS[n % len(TEXTS)],
            )
            t0 = time.perf_counter()
            dispatcher.handle(message)
            timings.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - began
        floor = _store_only(engine, clock, count)
    timings.sort()
    print(f"messages: {count}")
    print(f"messages/s: {count / elapsed:,.0f}   (floor, inbox store only: {count / floor:,.0f})")
    print(f"p50 ms: {statistics.median(timings) * 1000:.2f}")
    print(f"p99 ms: {timings[int(len(timings) * 0.99) - 1] * 1000:.2f}")


def _store_only(engine: Engine, clock: SimulatedClock, count: int) -> float:
    """Seconds to store `count` messages in the inbox and nothing else (the floor of the whole path)."""
    began = time.perf_counter()
    for n in range(count):
        message = IncomingMessage(
            channel="floor",
            message_id=str(n),
            conversation="东村第一网格群",
            sender="王芳",
            sent_at=clock.now(),
            text=TEXTS[n % len(TEXTS)],
        )
        inbox.store(engine, message, received_at=clock.now())
    return time.perf_counter() - began


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
