"""The catalog of grid items as stored (a town edits it: file import, console)."""

from __future__ import annotations

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class CatalogSectorRow(SQLModel, table=True):
    __tablename__ = "catalog_sector"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    code: str = Field(unique=True)
    synonyms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = 0


class CatalogItemRow(SQLModel, table=True):
    __tablename__ = "catalog_item"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    sector: str = Field(index=True)
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    closure: str = "resolution"
    warning: bool = False
    accept_hours: float = 2.0
    resolve_hours: float = 72.0
    working_days: bool = False
    note: str = ""
    position: int = 0
    active: bool = True
