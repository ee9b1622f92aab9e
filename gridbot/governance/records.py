"""Imported external records: each becomes an investigation task (摸排) in its grid; a warning-type record
with no warning from that grid before it is a missed warning (未报)."""

from __future__ import annotations

from datetime import timedelta

from gridbot.governance import lookup
from gridbot.governance.commands import ImportRecords
from gridbot.governance.context import Context
from gridbot.governance.handlers import handles
from gridbot.governance.history import create
from gridbot.governance.permissions import Action, Scope
from gridbot.governance.refusals import require
from gridbot.notices.records import InvestigationTask, RecordsImported
from gridbot.storage import event_repo, org_repo
from gridbot.storage.models.events import Event
from gridbot.storage.models.records import ExternalRecord
from gridbot.storage.records_file import RecordSpec


def _warned_before(ctx: Context, record: RecordSpec) -> bool:
    since = record.occurred_at - timedelta(hours=ctx.settings.warning_match_hours)
    return event_repo.warned_between(ctx.session, record.grid_id, since, record.occurred_at)


@handles(ImportRecords)
def import_records(ctx: Context, command: ImportRecords) -> None:
    """Store new records (known external refs are skipped); the answer counts them and the missed warnings."""
    if not require(ctx, Action.RECORDS_IMPORT, Scope(), "导入外部记录"):
        return
    imported = missed = 0
    for spec in command.records:
        if event_repo.external_record(ctx.session, spec.external_ref) is not None:
            continue
        grid = org_repo.grid(ctx.session, spec.grid_id)
        town_id = org_repo.village(ctx.session, grid.village_id).town_id
        is_missed = spec.warning and not _warned_before(ctx, spec)
        event = Event(
            source="import",
            grid_id=spec.grid_id,
            town_id=town_id,
            description=f"【{spec.source} 摸排】{spec.description}",
            occurred_at=spec.occurred_at,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        create(ctx, event, "import", note=spec.external_ref, missed_warning=is_missed)
        ctx.session.add(
            ExternalRecord(
                source=spec.source,
                external_ref=spec.external_ref,
                grid_id=spec.grid_id,
                occurred_at=spec.occurred_at,
                description=spec.description,
                warning=spec.warning,
                missed=is_missed,
                event_id=event.id,
                imported_at=ctx.now,
            )
        )
        ctx.post(
            lookup.grid_group(ctx.session, spec.grid_id),
            InvestigationTask(
                ref=event.ref,
                source=spec.source,
                description=spec.description,
                occurred_at=spec.occurred_at,
                missed=is_missed,
            ),
            mentions=lookup.grid_worker_ids(ctx.session, spec.grid_id),
        )
        imported += 1
        missed += is_missed
    ctx.session.flush()
    ctx.reply(RecordsImported(imported=imported, missed=missed))
