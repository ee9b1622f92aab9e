"""The SQL statements of the daily operations do not grow with the history (issue 16).

A year of 1,000 events, then of 10,000 (benchmarks/history.py: a small organisation; no chat, photos or outbox
rows, which no operation here reads) is put into the store; each operation of benchmarks/scale_ops.py runs on each
and its statements are counted. An operation passes when it sends exactly as many statements on the larger
history. Any that scales would be marked xfail in SCALING (strict: the mark goes when it is fixed). On the larger
history a runaway operation is stopped once it sends twice its statements of the smaller one (plus its set-up), so
that it fails at once instead of running on.

The counts are measured once per test process (the first test of the module that runs) on the `engine` fixture,
so on SQLite or PostgreSQL as the suite is run, and each test compares one operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session, SQLModel

from benchmarks.history import END, OrgShape, build_into
from benchmarks.scale_ops import OPERATIONS, Measure, tick_first
from gridbot.governance.scores import CLOCK_MARK, DIRECTIVE_MARK, EVENT_MARK, RECORD_MARK
from gridbot.storage import score_repo
from tests.conftest import BACKEND

# The counts are measured once per process: the module's tests go to one worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("query_counts")

SMALL, LARGE = 1_000, 10_000
SETUP_STATEMENTS = 50
SHAPE = OrgShape(towns=2, villages_per_town=3, grids_per_village=3)
SEED = 1

# Operations that still scale with history, each with why (xfail, strict: the mark goes when it is fixed). None
# today: the ledger's first build, the tick, the digests and the department figures were fixed in issue 16.
SCALING: dict[str, str] = {}
KEYS = [o.key for o in OPERATIONS if o.key != "tick_first"]  # the first tick only brings the tick to steady state

Counts = dict[str, list[int] | None]  # per operation: its statements (per message for the dispatcher); None: over
_measured: dict[str, tuple[Counts, Counts]] = {}


class OverBudget(Exception):
    """An operation sent more statements than it may."""


def _limited(engine: Engine, budget: int | None, run: Callable[[Engine], Measure]) -> list[int] | None:
    """The operation's statements, or None once it sends more than `budget` (it is stopped there)."""
    sent = 0

    def count(*_: Any) -> None:
        nonlocal sent
        sent += 1
        if budget is not None and sent > budget:
            raise OverBudget

    event.listen(engine, "before_cursor_execute", count)
    try:
        measure = run(engine)
    except Exception:
        if budget is not None and sent > budget:
            return None
        raise
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return measure.each or [measure.statements]


def _ledger_up_to_date(engine: Engine) -> None:
    """The ledger's watermarks at the end of the history, as after its first build (when that was stopped early):
    what the tick and the ledger's next run read."""
    with Session(engine) as session:
        tops = {
            EVENT_MARK: score_repo.top_event_history(session),
            DIRECTIVE_MARK: score_repo.top_directive_history(session),
            RECORD_MARK: score_repo.top_external_record(session),
        }
        for name, top in tops.items():
            mark = score_repo.watermark(session, name)
            mark.position = top
            score_repo.save_watermark(session, mark)
        clock = score_repo.watermark(session, CLOCK_MARK)
        clock.at = END
        score_repo.save_watermark(session, clock)
        session.commit()


def _empty(engine: Engine) -> None:
    if BACKEND == "sqlite":
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        return
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _run_all(engine: Engine, events: int, budgets: Counts | None) -> Counts:
    _empty(engine)
    build_into(engine, events, SEED, SHAPE, chat=0.0, photos=0.0, outbox=False)
    counts: Counts = {}
    for operation in OPERATIONS:
        if operation.key == "tick_first":
            tick_first(engine)
            continue
        allowed = budgets.get(operation.key) if budgets is not None else None
        # The budget only stops a runaway operation early; it also covers the operation's set-up (its context, the
        # catalog), which the measured count leaves out. The comparison below is of the measured counts.
        budget = None if allowed is None or operation.key == "dispatch" else 2 * sum(allowed) + SETUP_STATEMENTS
        counts[operation.key] = _limited(engine, budget, operation.run)
        if operation.key == "ledger_build":
            _ledger_up_to_date(engine)
    return counts


def _counts(engine: Engine) -> tuple[Counts, Counts]:
    if BACKEND not in _measured:
        small = _run_all(engine, SMALL, None)
        large = _run_all(engine, LARGE, small)
        _empty(engine)
        _measured[BACKEND] = (small, large)
    return _measured[BACKEND]


@pytest.mark.parametrize(
    "key",
    [pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=SCALING[k])) if k in SCALING else k for k in KEYS],
)
def test_statements_do_not_grow_with_the_history(engine: Engine, key: str) -> None:
    small, large = _counts(engine)
    assert small[key] is not None
    assert large[key] == small[key], f"{key}: {small[key]} statements at {SMALL:,} events, {large[key]} at {LARGE:,}"
