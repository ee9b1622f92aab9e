"""Scheduled work: idempotent per period, one catch-up after downtime, one process at a time."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from gridbot.clock import SHANGHAI, SimulatedClock
from gridbot.schedules.runner import DueWork
from gridbot.schedules.scheduler import ADVISORY_LOCK_KEY, Ticker, build_scheduler
from gridbot.settings import Settings
from gridbot.storage.database import is_sqlite
from gridbot.storage.models import OutboxMessage
from tests.helpers import load_example_org

DAY = datetime(2026, 4, 2, tzinfo=SHANGHAI)


def digests(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.template == "digest").order_by(col(OutboxMessage.id))
        ).all()
        return [(r.conversation, r.text.splitlines()[0]) for r in rows]


def test_a_digest_is_sent_once_per_group_and_day_however_often_the_job_runs(engine: Engine) -> None:
    load_example_org(engine)
    work = DueWork(engine, Settings(), since=DAY + timedelta(hours=7))
    work.run(DAY + timedelta(hours=8))
    work.run(DAY + timedelta(hours=8))
    work.run(DAY + timedelta(hours=8, minutes=1))

    assert digests(engine) == [
        ("新区领导群", "📊【西咸新区日报】4月1日"),
        ("永乐镇领导群", "📊【永乐镇日报】4月1日"),
    ]


def test_down_at_eight_up_at_half_past_nine_sends_one_digest_at_half_past_nine(engine: Engine) -> None:
    load_example_org(engine)
    work = DueWork(engine, Settings(), since=DAY + timedelta(hours=7))
    work.run(DAY + timedelta(hours=7, minutes=59))  # the last tick before the process went down
    assert digests(engine) == []

    DueWork(engine, Settings()).run(DAY + timedelta(hours=9, minutes=30))  # a new process, after downtime

    assert len(digests(engine)) == 2
    with Session(engine) as session:
        created = {r.created_at for r in session.exec(select(OutboxMessage)).all()}
    assert created == {DAY + timedelta(hours=9, minutes=30)}


def test_after_a_long_downtime_only_the_latest_period_is_caught_up(engine: Engine) -> None:
    load_example_org(engine)
    work = DueWork(engine, Settings(), since=DAY)
    work.run(DAY + timedelta(days=3, hours=9))
    assert digests(engine) == [
        ("新区领导群", "📊【西咸新区日报】4月4日"),
        ("永乐镇领导群", "📊【永乐镇日报】4月4日"),
    ]


def test_only_one_process_runs_the_jobs(engine: Engine) -> None:
    load_example_org(engine)
    clock = SimulatedClock(DAY + timedelta(hours=8))
    ticker = Ticker(engine, Settings(), clock)
    ticker.due = DueWork(engine, Settings(), since=DAY)  # running since midnight: the 08:00 digest is due
    if is_sqlite(str(engine.url)):
        # SQLite deployments are one process: its ticker always runs.
        assert ticker.run_once() is True
        return
    with engine.connect() as other_process:
        other_process.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        assert ticker.run_once() is False
        assert digests(engine) == []
        other_process.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
        other_process.commit()
    assert ticker.run_once() is True
    assert len(digests(engine)) == 2


async def test_the_scheduler_runs_in_shanghai_time_and_catches_up_at_start(engine: Engine) -> None:
    load_example_org(engine)
    settings = Settings()
    clock = SimulatedClock(DAY + timedelta(hours=9, minutes=30))
    ticker = Ticker(engine, settings, clock)
    ticker.due = DueWork(engine, settings, since=DAY)  # this deployment has been running since midnight
    scheduler = build_scheduler(ticker, settings)
    assert scheduler.timezone == ZoneInfo("Asia/Shanghai")
    scheduler.start()
    try:
        for _ in range(100):
            if digests(engine):
                break
            await asyncio.sleep(0.05)
    finally:
        scheduler.shutdown(wait=False)
    assert len(digests(engine)) == 2
