"""The catalog in the store: save a checked `Catalog`, read it back, seed the shipped default."""

from __future__ import annotations

import weakref
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from gridbot.intents.catalog import Catalog, CatalogItem, ClosureStandard, Sector
from gridbot.storage.catalog_file import load_default_catalog
from gridbot.storage.models.catalog import CatalogItemRow, CatalogSectorRow
from gridbot.storage.models.org import AuditEntry


def save_catalog(session: Session, catalog: Catalog, *, now: datetime, actor: str = "import") -> Counter[str]:
    """Update sectors and items by code; items missing from the file are deactivated, never deleted."""
    changes: Counter[str] = Counter()
    sector_rows = {row.name: row for row in session.exec(select(CatalogSectorRow)).all()}
    for position, sector in enumerate(catalog.sectors):
        row = sector_rows.get(sector.name)
        values: dict[str, Any] = {
            "code": sector.code,
            "synonyms": list(sector.synonyms),
            "position": position,
        }
        if row is None:
            session.add(CatalogSectorRow(name=sector.name, **values))
            changes["新增大类"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            changes["更新大类"] += 1
    session.flush()

    item_rows = {row.code: row for row in session.exec(select(CatalogItemRow)).all()}
    wanted: set[str] = set()
    position = 0
    for sector in catalog.sectors:
        for item in sector.items:
            wanted.add(item.code)
            item_values: dict[str, Any] = {
                "name": item.name,
                "sector": item.sector,
                "keywords": list(item.keywords),
                "closure": item.closure.value,
                "warning": item.warning,
                "accept_hours": item.accept_hours,
                "resolve_hours": item.resolve_hours,
                "working_days": item.working_days,
                "note": item.note,
                "position": position,
                "active": True,
            }
            position += 1
            item_row = item_rows.get(item.code)
            if item_row is None:
                session.add(CatalogItemRow(code=item.code, **item_values))
                changes["新增小类"] += 1
            else:
                # The position only orders the table; moving an item is not a change of the item.
                if any(getattr(item_row, k) != v for k, v in item_values.items() if k != "position"):
                    changes["更新小类"] += 1
                for key, value in item_values.items():
                    setattr(item_row, key, value)
                session.add(item_row)
    for code, item_row in item_rows.items():
        if code not in wanted and item_row.active:
            item_row.active = False
            session.add(item_row)
            changes["停用小类"] += 1
    if changes:
        session.add(AuditEntry(at=now, actor=actor, action="import_catalog", detail=dict(changes)))
    session.flush()
    return changes


def load_catalog(session: Session) -> Catalog:
    """The active catalog as stored; empty when nothing was imported yet."""
    sectors = session.exec(select(CatalogSectorRow).order_by(col(CatalogSectorRow.position))).all()
    items = session.exec(
        select(CatalogItemRow).where(col(CatalogItemRow.active)).order_by(col(CatalogItemRow.position))
    ).all()
    by_sector: dict[str, list[CatalogItem]] = {s.name: [] for s in sectors}
    for row in items:
        by_sector.setdefault(row.sector, []).append(
            CatalogItem(
                code=row.code,
                name=row.name,
                sector=row.sector,
                keywords=tuple(row.keywords),
                closure=ClosureStandard(row.closure),
                warning=row.warning,
                accept_hours=row.accept_hours,
                resolve_hours=row.resolve_hours,
                working_days=row.working_days,
                note=row.note,
            )
        )
    return Catalog(
        sectors=tuple(
            Sector(name=s.name, code=s.code, synonyms=tuple(s.synonyms), items=tuple(by_sector[s.name]))
            for s in sectors
        )
    )


def ensure_catalog(session: Session, *, now: datetime) -> Catalog:
    """The stored catalog, seeded from the shipped default the first time."""
    if session.exec(select(CatalogSectorRow)).first() is None:
        save_catalog(session, load_default_catalog(), now=now, actor="default")
    return load_catalog(session)


# One catalog per store in this process, read again only after a catalog import (its audit entry is the version).
_CACHE: weakref.WeakKeyDictionary[Engine, tuple[int, Catalog]] = weakref.WeakKeyDictionary()


def current_catalog(session: Session, *, now: datetime) -> Catalog:
    """The store's catalog, loaded once per process and again only when an import changed it."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    version = session.exec(select(func.max(AuditEntry.id)).where(AuditEntry.action == "import_catalog")).one() or 0
    cached = _CACHE.get(engine)
    if cached is None or cached[0] != version or version == 0:
        catalog = ensure_catalog(session, now=now)
        version = session.exec(select(func.max(AuditEntry.id)).where(AuditEntry.action == "import_catalog")).one() or 0
        _CACHE[engine] = cached = (version, catalog)
    return cached[1]
