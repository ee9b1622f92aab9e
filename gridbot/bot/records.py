"""`gridbot import records`: external records become investigation tasks; missed warnings are marked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from gridbot.bot.outbox import write_notices
from gridbot.governance.context import Context
from gridbot.governance.records import import_records
from gridbot.settings import Settings
from gridbot.storage.catalog_store import ensure_catalog
from gridbot.storage.database import transaction
from gridbot.storage.records_file import parse_records
from gridbot.storage.yamlfile import load_yaml_file


def import_records_file(engine: Engine, path: Path, *, now: datetime, settings: Settings) -> tuple[int, int]:
    """Check the whole file, then store the records, their tasks and the notices in one transaction."""
    root = load_yaml_file(path)
    with transaction(engine) as session:
        specs = parse_records(session, root)
        ctx = Context(session=session, now=now, settings=settings, catalog=ensure_catalog(session, now=now))
        result = import_records(ctx, specs)
        write_notices(session, ctx.notices, message=None, reply_group=None, now=now)
    return result
