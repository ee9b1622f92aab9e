"""The period figures read events and their history through indexes, never by scanning the whole table: the
plan of every query a digest and the department figures run is checked with EXPLAIN, on SQLite and PostgreSQL
(PostgreSQL with sequential scans switched off, so a scan means that no index could serve)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event, text
from sqlmodel import Session

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.database import is_sqlite
from gridbot.storage.stats import department_figures, digest_figures
from tests.helpers import START, load_example_org, text_message

BIG_TABLES = ("event", "event_history")


def queries_of(engine: Engine, work: Callable[[Session], Any]) -> list[tuple[str, Any]]:
    captured: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with Session(engine) as session:
            work(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return captured


def full_scans(engine: Engine, queries: list[tuple[str, Any]]) -> list[str]:
    """The plan lines that read a big table whole, with the query they belong to."""
    found: list[str] = []
    with engine.connect() as conn:
        sqlite = is_sqlite(str(engine.url))
        if not sqlite:
            conn.execute(text("SET enable_seqscan = off"))
        for statement, parameters in queries:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            lines = [str(row[-1]) if sqlite else str(row[0]) for row in rows]
            for line in lines:
                scanned = re.search(r"\bSCAN (\w+)", line) if sqlite else re.search(r"Seq Scan on (\w+)", line)
                if scanned and scanned.group(1) in BIG_TABLES:
                    found.append(f"{line.strip()}  ←  {statement[:120]}")
    return found


def prepare(engine: Engine) -> None:
    load_example_org(engine)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(START))
    for text_, by, group in (
        ("#上报 红旗村1组路边垃圾堆积", "刘洋", "红旗村一网格群"),
        ("上报中心 E1 需清运", "刘洋", "红旗村一网格群"),
        ("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群"),
        ("签收 E1", "田队长", "综合执法队群"),
    ):
        dispatcher.handle(text_message(text_, by, group))


def test_a_digest_reads_events_and_history_through_indexes(engine: Engine) -> None:
    prepare(engine)
    queries = queries_of(
        engine,
        lambda session: digest_figures(
            session,
            town_ids={1},
            start=START,
            end=START + timedelta(days=1),
            silent_since=START - timedelta(days=7),
            now=START + timedelta(days=1),
            overdue_at_center=[1],
        ),
    )
    assert len(queries) >= 6
    assert full_scans(engine, queries) == []


def test_department_figures_read_the_periods_history_through_indexes(engine: Engine) -> None:
    prepare(engine)
    queries = queries_of(
        engine, lambda session: department_figures(session, start=START, end=START + timedelta(days=30))
    )
    assert len(queries) >= 4
    assert full_scans(engine, queries) == []
