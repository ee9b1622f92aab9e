"""The operations the scale benchmark times and the query-count test counts (issue 16), each on a store holding a
generated history (benchmarks/history.py), each with the number of SQL statements it sends.

Each operation is what the product runs, called the way the product calls it:

- the scheduler's tick: `DueWork.run` a minute after the history ends (nothing new), twice; the second is the one
  that counts (the first may still claim a reminder falling in that minute);
- the score ledger: `update_ledger` on a fresh ledger (it reads the whole year), then again with nothing new;
- the daily digest of one town and of the district: what `schedules/digests.send_digest` does for one leaders
  group (the centers' overdue events and directives, the figures, the notice), without the chart;
- department figures for 2026-11: `gridbot departments 2026-11` (`department_figures`, `department_rows`);
- the ranking for 2026-11: `gridbot scores 2026-11` after the ledger is built (`ranking`, `ranking_rows`);
- messages through the dispatcher (as benchmarks/dispatch_bench.py), the median of a few.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, event, insert
from sqlmodel import Session, col, select

from benchmarks.history import END
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.messages import IncomingMessage
from gridbot.clock import SimulatedClock
from gridbot.governance.actors import Actor, Place
from gridbot.governance.context import Context
from gridbot.governance.scores import ranking, update_ledger
from gridbot.governance.services import Governance
from gridbot.governance.timing import overdue_at_centers
from gridbot.notices.digests import digest
from gridbot.periods import day_period, month_of
from gridbot.schedules.exports import department_rows, ranking_rows
from gridbot.schedules.runner import DueWork
from gridbot.settings import Settings
from gridbot.storage import org_repo
from gridbot.storage.catalog_store import current_catalog
from gridbot.storage.models.org import Grid, GroupKind, Role
from gridbot.storage.stats import department_figures, digest_figures

SETTINGS = Settings()
TICK = END + timedelta(minutes=1)  # the scheduler's first tick after the history
DIGEST_AT = END.replace(hour=8, minute=0)  # 2026-12-31 08:00: the daily digest of 12-30 goes out
DIGEST_DAY = date(2026, 12, 30)
MONTH = "2026-11"
MESSAGES = 12  # messages through the dispatcher (4 kinds, 3 times each)


@dataclass(slots=True)
class Measure:
    """Seconds and SQL statements of one run of an operation (for the dispatcher: the median per message)."""

    seconds: float
    statements: int
    each: list[int] = field(default_factory=list)  # per message, for the dispatcher


class Counter:
    """Counts the statements an engine sends (`before_cursor_execute`: one per execute or executemany)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


@contextmanager
def counting(engine: Engine) -> Iterator[Counter]:
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


def timed(engine: Engine, work: Callable[[], object]) -> Measure:
    with counting(engine) as counter:
        began = time.perf_counter()
        work()
        seconds = time.perf_counter() - began
    return Measure(seconds, counter.count)


def _context(session: Session, moment: Any) -> Context:
    governance = Governance(session, SETTINGS, current_catalog(session, now=moment))
    return governance.context(Actor.system(), Place.system(), moment)


# ------------------------------------------------------------------------------------------------------- the ticks


def tick_first(engine: Engine) -> Measure:
    return timed(engine, lambda: DueWork(engine, SETTINGS).run(TICK))


def tick(engine: Engine) -> Measure:
    """The 60-s tick with nothing new: the second run, a minute after the first."""
    return timed(engine, lambda: DueWork(engine, SETTINGS).run(TICK + timedelta(minutes=1)))


# ------------------------------------------------------------------------------------------------------ the ledger


def _ledger(engine: Engine, moment: Any) -> Measure:
    with Session(engine) as session:

        def run() -> None:
            update_ledger(session, SETTINGS, moment)
            session.commit()

        return timed(engine, run)


def ledger_build(engine: Engine) -> Measure:
    """The first run of the score ledger: it reads the whole history."""
    return _ledger(engine, END)


def ledger_update(engine: Engine) -> Measure:
    return _ledger(engine, END + timedelta(seconds=30))


# ----------------------------------------------------------------------------------------------------- the digests


def _digest(engine: Engine, kind: GroupKind) -> Measure:
    """`send_digest` for one leaders group (without the chart: a picture of the figures, the same for any history)."""
    with Session(engine) as session:
        ctx = _context(session, DIGEST_AT)
        _, town_ids, place = next(g for g in org_repo.leaders_groups(session) if g[0].kind == kind)
        period = day_period(DIGEST_DAY)

        def run() -> str:
            at_center, in_review = overdue_at_centers(ctx)
            figures = digest_figures(
                session,
                town_ids=town_ids,
                start=period.start,
                end=period.end,
                silent_since=period.end - timedelta(days=SETTINGS.silent_grid_days),
                now=ctx.now,
                overdue_at_center=at_center,
                overdue_in_review=in_review,
            )
            return digest(figures, name="日报", place=place, period=period.label).text()

        measure = timed(engine, run)
        session.rollback()
        return measure


def digest_town(engine: Engine) -> Measure:
    return _digest(engine, GroupKind.TOWN_LEADERS)


def digest_district(engine: Engine) -> Measure:
    return _digest(engine, GroupKind.DISTRICT_LEADERS)


# --------------------------------------------------------------------------------------------- monthly evaluation


def departments(engine: Engine) -> Measure:
    """`gridbot departments 2026-11`."""
    period = month_of(MONTH)
    with Session(engine) as session:
        measure = timed(
            engine, lambda: department_rows(department_figures(session, start=period.start, end=period.end))
        )
        session.rollback()
        return measure


def scores(engine: Engine) -> Measure:
    """`gridbot scores 2026-11` once the ledger is up to date: the ranking."""
    with Session(engine) as session:
        measure = timed(engine, lambda: ranking_rows(ranking(session, MONTH)))
        session.rollback()
        return measure


# -------------------------------------------------------------------------------------------------- the dispatcher


def _first_grid(engine: Engine) -> tuple[str, str, str]:
    """The first grid's 专职网格员, its group and an address of it."""
    with Session(engine) as session:
        grid = session.exec(select(Grid).order_by(col(Grid.id))).first()
        assert grid is not None and grid.id is not None
        worker = org_repo.people_with_role(session, Role.GRID_WORKER, grid_id=grid.id)[0]
        group = org_repo.group_of(session, GroupKind.GRID, grid_id=grid.id)
        assert group is not None
        return worker.name, group.name, grid.addresses[0]


def dispatch(engine: Engine, count: int = MESSAGES) -> Measure:
    """Messages of a grid worker in their grid group through the whole dispatcher, after the history: the median
    seconds and statements of one message (reports, template reports that close at once, chat)."""
    worker, group, address = _first_grid(engine)
    texts = (
        f"#上报 {address}路边有人倒了建筑垃圾，约2方",
        "大家辛苦了，今天的巡查情况记得按时上报哈",
        f"【事件上报】\n类别：城市管理\n地点：{address}\n处置前：路灯不亮\n处置后：已联系电工修好",
        "好的，我下午过去看看",
    )
    clock = SimulatedClock(END + timedelta(minutes=10))
    dispatcher = Dispatcher(engine, SETTINGS, clock)
    seconds: list[float] = []
    each: list[int] = []
    for n in range(count):
        clock.advance(timedelta(seconds=5))
        message = IncomingMessage(
            channel="bench",
            message_id=f"scale-{n}",
            conversation=group,
            sender=worker,
            sent_at=clock.now(),
            text=texts[n % len(texts)],
        )
        measure = timed(engine, lambda m=message: dispatcher.handle(m))  # type: ignore[misc]
        seconds.append(measure.seconds)
        each.append(measure.statements)
    return Measure(statistics.median(seconds), int(statistics.median(each)), each)


# ------------------------------------------------------------------------------------------------------- the floor


def floor(engine: Engine, rows: int) -> Measure:
    """A bare loop of `rows` single-row inserts into one table, a commit each (dispatch_bench's floor, without the
    duplicate check): what any per-row write costs on this machine and database."""
    table = Table(
        "scale_floor",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("text", String(200), nullable=False),
    )
    table.create(engine)
    try:

        def run() -> None:
            for n in range(rows):
                with engine.begin() as conn:
                    conn.execute(insert(table).values(text=f"floor row {n}"))

        return timed(engine, run)
    finally:
        table.drop(engine)


# --------------------------------------------------------------------------------------------------------- the list


@dataclass(frozen=True, slots=True)
class Operation:
    key: str
    label: str
    run: Callable[[Engine], Measure]


OPERATIONS = (
    Operation("ledger_build", "score ledger, first build", ledger_build),
    Operation("ledger_update", "score ledger, update with nothing new", ledger_update),
    Operation("tick_first", "scheduler tick, 1st run after the history", tick_first),
    Operation("tick", "scheduler tick, nothing new (2nd run)", tick),
    Operation("digest_town", "daily digest, one town", digest_town),
    Operation("digest_district", "daily digest, the district", digest_district),
    Operation("departments", f"department figures {MONTH}", departments),
    Operation("scores", f"ranking {MONTH} (gridbot scores)", scores),
    Operation("dispatch", "one message through the dispatcher (p50)", dispatch),
)
"""In the order they run: the ledger first (the tick and the ranking read it), the dispatcher last (it adds)."""
