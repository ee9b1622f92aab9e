"""`gridbot import org|catalog FILE`: check the whole file, then write it in one transaction."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from gridbot.storage.catalog_file import catalog_from_node
from gridbot.storage.catalog_store import ensure_catalog, save_catalog
from gridbot.storage.database import transaction
from gridbot.storage.org_file import parse_org
from gridbot.storage.org_import import ImportReport, apply_org
from gridbot.storage.yamlfile import Node, load_yaml_file


def import_org_node(session: Session, root: Node, *, now: datetime, actor: str = "import") -> ImportReport:
    """Check and apply an organisation tree inside the caller's transaction."""
    catalog = ensure_catalog(session, now=now)
    spec = parse_org(root, frozenset(item.code for item in catalog.items))
    return apply_org(session, spec, now=now, actor=actor)


def import_org_file(engine: Engine, path: Path, *, now: datetime) -> ImportReport:
    """Import an organisation file; any problem raises `ImportFileError` and changes nothing."""
    root = load_yaml_file(path)
    with transaction(engine) as session:
        return import_org_node(session, root, now=now)


def import_catalog_file(engine: Engine, path: Path, *, now: datetime) -> Counter[str]:
    """Import a catalog file; any problem raises `ImportFileError` and changes nothing."""
    catalog = catalog_from_node(load_yaml_file(path))
    with transaction(engine) as session:
        return save_catalog(session, catalog, now=now)
