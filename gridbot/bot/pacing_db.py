"""Pacing kept in the database, so that every process sending to one robot shares its 20 POSTs a minute.

Each target has a `pacing_bucket` row holding the times of its POSTs in the last window. A process locks the row
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's single writer serialises the same transaction), decides with
`wait_before_post`, and records the POST before it is made, in one transaction. A restarted process reads what
was posted before it died, so nothing starts with a full budget.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gridbot.bot.pacing import Budgets, wait_before_post
from gridbot.clock import Clock
from gridbot.storage.models.delivery import PacingBucket


def bucket_key(channel: str, target: str) -> str:
    """The channel and a digest of the target (a robot's webhook key is a secret; it stays out of the table)."""
    return f"{channel}:{hashlib.sha256(target.encode('utf-8')).hexdigest()[:32]}"


class DatabasePacer:
    def __init__(self, engine: Engine, budgets: Budgets, clock: Clock) -> None:
        self.engine = engine
        self.budgets = budgets
        self.clock = clock

    def admit(self, channel: str, target: str) -> float:
        budget = self.budgets(channel)
        if budget is None:
            return 0.0
        now = self.clock.now()
        with Session(self.engine) as session:
            bucket = self._locked(session, bucket_key(channel, target))
            if bucket.blocked_until is not None and bucket.blocked_until > now:
                return (bucket.blocked_until - now).total_seconds()
            moment = now.timestamp()
            recent = sorted(t for t in bucket.posted if t > moment - budget.window)
            wait = wait_before_post(recent, moment, budget)
            if wait == 0.0:
                bucket.posted = [*recent, moment][-budget.limit :]
                session.add(bucket)
                session.commit()
            return wait

    def hold(self, channel: str, target: str, seconds: float) -> None:
        until = self.clock.now() + timedelta(seconds=seconds)
        with Session(self.engine) as session:
            bucket = self._locked(session, bucket_key(channel, target))
            if bucket.blocked_until is None or bucket.blocked_until < until:
                bucket.blocked_until = until
                session.add(bucket)
            session.commit()

    def _locked(self, session: Session, key: str) -> PacingBucket:
        query = select(PacingBucket).where(PacingBucket.key == key).with_for_update()
        bucket = session.exec(query).first()
        if bucket is not None:
            return bucket
        try:
            with session.begin_nested():
                session.add(PacingBucket(key=key, posted=[]))
        except IntegrityError:
            pass  # another process created it meanwhile: lock theirs
        bucket = session.exec(query.execution_options(populate_existing=True)).first()
        assert bucket is not None
        return bucket
