"""Due work as functions of (store, now): the APScheduler wiring and the scenario runner drive the same jobs.

`next_due` tells when something falls due (the simulated clock jumps there); `run(moment)` does everything due
by then, once: periodic jobs are logged per period in `job_run`, deadline notices in `reminder_sent`. After
downtime a periodic job catches up once, for its latest period only.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from gridbot.clock import SHANGHAI
from gridbot.governance import timing
from gridbot.governance.actors import Actor, Place
from gridbot.governance.context import Context
from gridbot.governance.scores import update_ledger
from gridbot.governance.services import Governance
from gridbot.notices.outbox import write_notices
from gridbot.periods import Period, schedule
from gridbot.schedules.digests import send_digest, send_ranking
from gridbot.schedules.undelivered import alert_parked
from gridbot.settings import Settings
from gridbot.storage import timing_repo
from gridbot.storage.catalog_store import current_catalog
from gridbot.storage.models.timing import JobRun

log = logging.getLogger(__name__)

PERIODIC = ("daily", "weekly", "monthly", "ranking")
LAST_RUN = ("scheduler", "last_run")


class DueWork:
    def __init__(self, engine: Engine, settings: Settings, *, since: datetime | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self._since = since  # periodic jobs scheduled before this moment are not caught up

    def _periodic(self, after: datetime, until: datetime) -> list[tuple[str, datetime, Period]]:
        found = []
        for job in PERIODIC:
            kind = "monthly" if job == "ranking" else job
            found += [
                (job, moment, period) for moment, period in schedule(kind, self.settings.digest_time, after, until)
            ]
        return found

    def _context(self, session: Session, moment: datetime) -> Context:
        governance = Governance(session, self.settings, current_catalog(session, now=moment))
        return governance.context(Actor.system(), Place.system(), moment)

    def _last_run(self, session: Session) -> datetime | None:
        row = timing_repo.job_run(session, *LAST_RUN)
        return row.ran_at if row is not None else self._since

    def next_due(self, after: datetime, until: datetime) -> datetime | None:
        """The first moment in (after, until] at which some job falls due."""
        with Session(self.engine) as session:
            ctx = self._context(session, after)
            moments = [m for _, m, _ in self._periodic(after, until)] + timing.moments(ctx, after, until)
            session.rollback()
        return min(moments) if moments else None

    def run(self, moment: datetime) -> None:
        """Everything due by `moment`, in one transaction with its notices."""
        with Session(self.engine, expire_on_commit=False) as session:
            ctx = self._context(session, moment)
            since = self._last_run(session) or moment
            latest: dict[str, tuple[datetime, Period]] = {}
            for job, scheduled, period in self._periodic(since, moment):
                latest[job] = (scheduled, period)  # catch up once: only the latest period of each job
            update_ledger(session, self.settings, moment)
            for job, (_, period) in sorted(latest.items()):
                if timing_repo.job_run(session, job, period.key) is not None:
                    continue  # done before (the unique index on job and period answers, not a scan of all runs)
                if job == "ranking":
                    send_ranking(ctx, period)
                else:
                    send_digest(ctx, job, period)
                session.add(JobRun(job=job, period=period.key, ran_at=moment))
            timing.run(ctx)
            alert_parked(ctx, moment)
            self._remember(session, moment)
            write_notices(session, ctx.notices, message=None, reply_group=None, now=moment)
            session.commit()
        log.info("due work ran at %s", moment.astimezone(SHANGHAI).isoformat())

    def _remember(self, session: Session, moment: datetime) -> None:
        row = timing_repo.job_run(session, *LAST_RUN)
        if row is None:
            row = JobRun(job=LAST_RUN[0], period=LAST_RUN[1], ran_at=moment)
        elif moment > row.ran_at:
            row.ran_at = moment
        session.add(row)
