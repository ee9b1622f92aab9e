"""What scheduled work has done, so that running a job twice for the same moment sends nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from gridbot.storage.types import UtcDateTime


class JobRun(SQLModel, table=True):
    """One periodic job done for one period (a digest for 2026-04-01, the ranking for 2026-04)."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str
    period: str
    ran_at: datetime = Field(sa_type=UtcDateTime)


class ReminderSent(SQLModel, table=True):
    """One reminder or overdue notice for one subject, stage and deadline (an extension gives new ones)."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("subject", "stage", "due"),)

    id: int | None = Field(default=None, primary_key=True)
    subject: str  # "E12" or "T5" (directive task 5)
    stage: str
    due: str  # the deadline it belongs to, ISO
    sent_at: datetime = Field(sa_type=UtcDateTime)


class ScoreEntry(SQLModel, table=True):
    """One point change of a grid worker: every score is the sum of its explainable rows."""

    __tablename__ = "score_entry"
    __table_args__ = (UniqueConstraint("person_id", "rule", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    month: str = Field(index=True)  # 2026-04
    rule: str
    subject: str  # "E12", "T5" (directive task), …
    event_id: int | None = Field(default=None, foreign_key="event.id")
    directive_id: int | None = Field(default=None, foreign_key="directive.id")
    points: float
    at: datetime = Field(sa_type=UtcDateTime)


class Watermark(SQLModel, table=True):
    """How far a derived record has read a growing one (the score ledger: history ids and the last run's moment)."""

    name: str = Field(primary_key=True)
    position: int = 0
    at: datetime | None = Field(default=None, sa_type=UtcDateTime)
