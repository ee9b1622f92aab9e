"""External records (12345 hotline, police incidents, petitions) imported to find missed warnings (workflow §6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from gridbot.storage.types import UtcDateTime


class ExternalRecord(SQLModel, table=True):
    __tablename__ = "external_record"

    id: int | None = Field(default=None, primary_key=True)
    source: str  # 12345 | 110 | 信访 …
    external_ref: str = Field(unique=True, index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    warning: bool = False  # a warning-type matter: the grid should have sent a 预警 first
    missed: bool = False  # no warning from the grid before it: a 未报
    event_id: int | None = Field(default=None, foreign_key="event.id")  # the investigation task (摸排)
    imported_at: datetime = Field(sa_type=UtcDateTime)
