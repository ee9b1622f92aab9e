"""APScheduler wiring: an AsyncIOScheduler in the town's timezone ticks the same due work the scenarios drive.

Only one process runs the jobs: on PostgreSQL each tick takes a transaction-level advisory lock and skips the
tick when another process holds it; on SQLite there is one process by design. Each tick runs everything due by
now (idempotent), so a process that was down catches up once when it comes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine, text

from gridbot.clock import Clock
from gridbot.schedules.runner import DueWork
from gridbot.settings import Settings
from gridbot.storage.database import is_sqlite

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x67726964  # "grid": one key for the whole deployment
TICK_SECONDS = 60


class Ticker:
    """One tick: take the lock, run due work at `clock.now()`, then let the sender deliver."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        clock: Clock,
        after_run: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.due = DueWork(engine, settings)
        self.after_run = after_run

    def run_once(self) -> bool:
        """Run due work if this process wins the lock; True when it ran."""
        if is_sqlite(str(self.engine.url)):
            self.due.run(self.clock.now())
            return True
        with self.engine.connect() as connection:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
            if not got:
                log.info("another process runs the scheduled jobs; skipping this tick")
                return False
            try:
                self.due.run(self.clock.now())
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()
        return True

    async def tick(self) -> None:
        ran = await asyncio.to_thread(self.run_once)
        if ran and self.after_run is not None:
            self.after_run()


def build_scheduler(ticker: Ticker, settings: Settings) -> AsyncIOScheduler:
    """The scheduler with an explicit timezone; the tick also runs once at start (catch-up after downtime)."""
    scheduler = AsyncIOScheduler(timezone=ZoneInfo(settings.timezone))
    scheduler.add_job(
        ticker.tick,
        "interval",
        seconds=TICK_SECONDS,
        id="due-work",
        name="due work",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(ticker.tick, "date", id="due-work-start", name="catch up at start")
    return scheduler
