"""How the daily operations grow with a district's history (issue 16): the table of seconds and SQL statements.

Run: .venv/bin/python benchmarks/scale_bench.py [--sizes 30000,100000,300000] [--million] [--url URL]

For each size (events in 2026, see benchmarks/history.py) a history is built (SQLite: once, cached as a file under
the temporary directory, keyed by size and seed, and copied for each run; PostgreSQL: built into the database the
URL names, whose tables are dropped first), then each operation of benchmarks/scale_ops.py runs once, in order, in a
child process of its own, with its seconds and statements; an operation that fails shows `crash: <error type>`
and one that runs past --timeout shows `timeout`, and the run goes on. The floor is a bare loop of as many
single-row inserts (a commit each) as the size, on the same database. A benchmark, not a test: its figures are
in benchmarks/README.md. --profile DIR writes each operation's cProfile top entries there.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository is the import root (benchmarks.history, …)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import SQLModel

from benchmarks.history import VERSION, OrgShape, build, row_counts
from benchmarks.scale_ops import OPERATIONS, Measure, Operation, floor
from gridbot.storage.database import is_sqlite, make_engine

DEFAULT_SIZES = (30_000, 100_000, 300_000)
MILLION = 1_000_000


@dataclass(slots=True)
class Cell:
    measure: Measure | None = None
    failure: str = ""

    def text(self) -> str:
        if self.measure is None:
            return self.failure
        m = self.measure
        return f"{_seconds(m.seconds)} · {m.statements:,} st"


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _ratio(first: Cell, last: Cell) -> str:
    if first.measure is None or last.measure is None or first.measure.seconds == 0:
        return "–"
    time_ratio = last.measure.seconds / first.measure.seconds
    statements = f"×{last.measure.statements / first.measure.statements:.1f}" if first.measure.statements else "–"
    return f"×{time_ratio:.1f} · {statements} st"


# ------------------------------------------------------------------------------------------------------- children


def _child(url: str, job: str, rows: int, profile: str | None, pipe: Connection) -> None:
    engine = make_engine(url)
    try:
        run = (lambda e: floor(e, rows)) if job == "floor" else next(o.run for o in OPERATIONS if o.key == job)
        if profile:
            profiler = cProfile.Profile()
            try:
                measure = profiler.runcall(run, engine)
            finally:  # a crash's profile too: where it went before it failed
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(35)
                stats.sort_stats("tottime").print_stats(25)
                Path(profile).write_text(out.getvalue(), encoding="utf-8")
        else:
            measure = run(engine)
        pipe.send(("ok", measure))
    except BaseException as error:  # the cell says what happened; the run goes on
        pipe.send(("crash", f"crash: {type(error).__name__}", traceback.format_exc()))
    finally:
        engine.dispose()


def run_isolated(url: str, job: str, *, rows: int = 0, timeout: float, profile: str | None = None) -> Cell:
    """One operation in a child process of its own (a crash or a hang cannot stop the run)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(url, job, rows, profile, send))
    child.start()
    send.close()
    if not receive.poll(timeout):
        child.kill()
        child.join()
        return Cell(failure=f"timeout > {timeout:.0f} s")
    try:
        answer = receive.recv()
    except EOFError:
        child.join()
        return Cell(failure=f"crash: exit {child.exitcode}")
    child.join()
    if answer[0] == "ok":
        measure: Measure = answer[1]
        return Cell(measure)
    print(answer[2], file=sys.stderr)
    return Cell(failure=answer[1])


# -------------------------------------------------------------------------------------------------------- stores


def cached_sqlite(size: int, seed: int, cache: Path) -> Path:
    """The built history of this size and seed, built once (a file that is complete or absent)."""
    path = cache / f"history-v{VERSION}-{size}-s{seed}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"history-v{VERSION}-{size}-s{seed}.building.db"
    for leftover in cache.glob(f"{partial.name}*"):
        leftover.unlink()
    began = time.perf_counter()
    counts = build(f"sqlite:///{partial}", size, seed, OrgShape())
    with sqlite3.connect(partial) as conn:  # the whole database in the one file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    partial.rename(path)
    print(f"  built {path} in {time.perf_counter() - began:.0f} s ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    print("\n".join(row_counts(counts)), flush=True)
    return path


def prepare(url: str | None, size: int, seed: int, cache: Path, work: Path) -> str:
    """A store holding the history of this size, fresh for this run; its URL."""
    if url is None:
        target = work / f"work-{size}.db"
        for leftover in work.glob(f"{target.name}*"):
            leftover.unlink()
        shutil.copyfile(cached_sqlite(size, seed, cache), target)
        return f"sqlite:///{target}"
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    engine.dispose()
    began = time.perf_counter()
    counts = build(url, size, seed, OrgShape())
    print(f"  built into {url} in {time.perf_counter() - began:.0f} s", flush=True)
    print("\n".join(row_counts(counts)), flush=True)
    return url


# --------------------------------------------------------------------------------------------------------- table


def table(sizes: Sequence[int], results: dict[str, dict[int, Cell]], labels: dict[str, str]) -> str:
    def k(size: int) -> str:
        return f"{size // 1_000_000}M" if size >= MILLION and size % MILLION == 0 else f"{size // 1000}k"

    header = ["operation", *(k(s) for s in sizes)]
    if len(sizes) > 1:
        header.append(f"{k(sizes[-1])}/{k(sizes[0])}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, cells in results.items():
        row = [labels[key], *(cells[s].text() for s in sizes)]
        if len(sizes) > 1:
            row.append(_ratio(cells[sizes[0]], cells[sizes[-1]]))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES), help="events, comma-separated")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 events")
    parser.add_argument("--url", help="a PostgreSQL database to use (its tables are dropped); default: SQLite files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "gridbot-scale-bench")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds an operation may take (default 1800)")
    parser.add_argument("--only", help="operations to run, comma-separated keys (default: all)")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
    parser.add_argument("--profile", type=Path, help="write each operation's cProfile top entries into this folder")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | ({MILLION} if args.million else set()))
    if args.url is not None and is_sqlite(args.url):
        parser.error("--url is for PostgreSQL; SQLite files are made under --cache")
    only = set(args.only.split(",")) if args.only else None
    operations: list[Operation] = [o for o in OPERATIONS if only is None or o.key in only]
    labels = {o.key: o.label for o in operations} | {"floor": "floor: N single-row inserts, a commit each"}
    results: dict[str, dict[int, Cell]] = {key: {} for key in labels if key != "floor" or not args.no_floor}
    backend = "SQLite" if args.url is None else "PostgreSQL"
    print(
        f"{backend}, sizes {sizes}, seed {args.seed}, {os.cpu_count()} cores, {platform.python_version()}", flush=True
    )
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as folder:
        for size in sizes:
            print(f"{size:,} events", flush=True)
            url = prepare(args.url, size, args.seed, args.cache, Path(folder))
            for operation in operations:
                profile = str(args.profile / f"{size}-{operation.key}.txt") if args.profile else None
                cell = run_isolated(url, operation.key, timeout=args.timeout, profile=profile)
                results[operation.key][size] = cell
                print(f"  {operation.label}: {cell.text()}", flush=True)
            if not args.no_floor:
                cell = run_isolated(url, "floor", rows=size, timeout=args.timeout)
                results["floor"][size] = cell
                print(f"  floor: {cell.text()}", flush=True)
            if args.url is None:
                for leftover in Path(folder).glob("work-*"):
                    leftover.unlink()
    print()
    print(table(sizes, results, labels))


if __name__ == "__main__":
    main()
