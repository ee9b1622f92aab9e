"""`gridbot import records`: external records become investigation tasks; missed warnings are marked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from gridbot.governance.actors import Actor, Place
from gridbot.governance.commands import ImportRecords
from gridbot.governance.services import Governance
from gridbot.notices.outbox import write_notices
from gridbot.notices.records import RecordsImported
from gridbot.settings import Settings
from gridbot.storage.catalog_store import current_catalog
from gridbot.storage.database import transaction
from gridbot.storage.records_file import parse_records
from gridbot.storage.yamlfile import load_yaml_file


def import_records_file(engine: Engine, path: Path, *, now: datetime, settings: Settings) -> tuple[int, int]:
    """Check the whole file, then store the records, their tasks and the notices in one transaction."""
    root = load_yaml_file(path)
    with transaction(engine) as session:
        specs = parse_records(session, root)
        governance = Governance(session, settings, current_catalog(session, now=now))
        outcome = governance.execute(Actor.system(), Place.system(), ImportRecords(tuple(specs)), now)
        write_notices(session, outcome.notices, message=None, reply_group=None, now=now)
    counts = outcome.answer(RecordsImported)
    assert counts is not None
    return counts.imported, counts.missed
