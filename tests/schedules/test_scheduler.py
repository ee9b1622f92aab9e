"""Scheduled work: idempotent per period, one catch-up after downtime, one process at a time, quiet nights."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SHANGHAI, SimulatedClock
from gridbot.schedules.runner import DueWork
from gridbot.schedules.scheduler import ADVISORY_LOCK_KEY, Ticker, build_scheduler
from gridbot.settings import Settings
from gridbot.storage.database import is_sqlite
from gridbot.storage.models import OutboxMessage
from tests.helpers import load_example_org, text_message

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


def test_a_reminder_falling_in_the_quiet_hours_falls_due_when_they_end(engine: Engine) -> None:
    # An evening shift until 21:30: dispatched at 20:00 with 2 working hours to accept (due 09:00 the next morning),
    # the halfway reminder would be at 21:00, in the quiet hours; it falls due at 07:30 instead.
    load_example_org(engine)
    settings = Settings(working_hours=["08:30-12:00", "14:00-18:00", "19:00-21:30"])
    evening = DAY + timedelta(hours=20)
    dispatcher = Dispatcher(engine, settings, SimulatedClock(evening))
    for text_, by, group in [
        ("#上报 红旗村2组路灯不亮，晚上一片漆黑", "刘洋", "红旗村一网格群"),
        ("上报中心 E1 需要专业电工维修", "刘洋", "红旗村一网格群"),
        ("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群"),
    ]:
        dispatcher.handle(text_message(text_, by, group, at=evening))
    work = DueWork(engine, settings, since=evening)
    morning = DAY + timedelta(days=1, hours=7, minutes=30)

    assert work.next_due(evening, DAY + timedelta(days=1, hours=12)) == morning
    work.run(DAY + timedelta(hours=21))
    assert reminders(engine) == []
    work.run(morning)
    assert reminders(engine) == [("综合执法队群", ["田队长"], morning)]


def reminders(engine: Engine) -> list[tuple[str, list[str], datetime]]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.template == "reminder_accept").order_by(col(OutboxMessage.id))
        ).all()
        return [(r.conversation, r.mentions, r.created_at) for r in rows]
