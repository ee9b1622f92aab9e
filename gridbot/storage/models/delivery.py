"""What the sender keeps beside the outbox: the processes sending, the recent POSTs per target (pacing shared by
every process), and the one-time reply handles already used. These are technical records, not governance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from gridbot.storage.types import UtcDateTime


class SenderInstance(SQLModel, table=True):
    """A running sender process: its heartbeat tells the others whether the rows it claimed are still its own."""

    __tablename__ = "sender_instance"

    id: str = Field(primary_key=True)
    started_at: datetime = Field(sa_type=UtcDateTime)
    heartbeat_at: datetime = Field(sa_type=UtcDateTime, index=True)


class PacingBucket(SQLModel, table=True):
    """One row per paced target (channel + a hash of the target: robot keys are secrets), locked by the process
    that counts and records a POST: the POSTs of the last window (unix seconds, oldest first; never more than
    the limit) and until when the platform asked us to hold off (45009)."""

    __tablename__ = "pacing_bucket"

    key: str = Field(primary_key=True)
    posted: list[float] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    blocked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)


class UsedReplyHandle(SQLModel, table=True):
    """A response_url or a callback req_id already answered: WeCom accepts each once (stored as a sha256)."""

    __tablename__ = "used_reply_handle"

    key: str = Field(primary_key=True)
    used_at: datetime = Field(sa_type=UtcDateTime)
