"""What a reporter may still do with a report: correct it, withdraw it."""

from __future__ import annotations

from typing import Any

from gridbot.governance import lookup
from gridbot.governance.context import Context
from gridbot.governance.flow import refuse_status
from gridbot.governance.history import change, close
from gridbot.governance.reports import best_item
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices.corrections import CategoryUnknown, Corrected, CorrectNeedsField, Withdrawn
from gridbot.notices.flow import ClosedSelf
from gridbot.notices.questions import NoPermission
from gridbot.storage.models.events import Closure, Event, EventStatus

router = Router("reporter")

CORRECTABLE = (EventStatus.OPEN, EventStatus.PENDING, EventStatus.DISPATCHED)


def _category_updates(ctx: Context, event: Event, text: str) -> dict[str, Any] | None:
    """A 类别 correction names a sector, a sector synonym, an item name or code, or an item keyword.

    A bare sector takes the sector's item that the description matches best (it decides the closure standard).
    """
    text = text.strip()
    for sector in ctx.catalog.sectors:
        if text == sector.name or text in sector.synonyms:
            item = best_item(ctx, sector.name, event.description)
            return {"sector": sector.name, "item_code": item.code if item else None, "category_confirmed": True}
    for item in ctx.catalog.items:
        if text in (item.code, item.name) or text in item.keywords:
            return {"sector": item.sector, "item_code": item.code, "category_confirmed": True}
    return None


def _corrections(ctx: Context, event: Event, intent: Intent) -> dict[str, Any] | None:
    fields = intent.fields
    updates: dict[str, Any] = {}
    if fields.location:
        updates["location"] = fields.location
    if fields.occurred_at:
        updates["occurred_at"] = fields.occurred_at
    if fields.phones:
        updates["phones"] = list(fields.phones)
    if fields.id_numbers:
        updates["id_numbers"] = list(fields.id_numbers)
    if fields.persons:
        updates["persons"] = list(fields.persons)
    if fields.before:
        updates["before"] = fields.before
    if fields.after:
        updates["after"] = fields.after
    if fields.description:
        updates["description"] = fields.description
    if fields.category:
        category = _category_updates(ctx, event, fields.category)
        if category is None:
            ctx.reply(CategoryUnknown(ref=event.ref, category=fields.category))
            return None
        updates.update(category)
    return updates


@router.handles(IntentKind.CORRECT)
def correct(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    # Reporters correct their reports; the grid's 专职网格员 (the hub of the grid) may correct any report there.
    if ctx.actor.id != event.reporter_id and not lookup.is_grid_worker_of(ctx, event.grid_id):
        ctx.reply(NoPermission(action=f"更正 {event.ref}（只有上报人和本网格专职网格员可以更正）"))
        return
    if event.status not in CORRECTABLE:
        refuse_status(ctx, event, "更正")
        return
    updates = _corrections(ctx, event, intent)
    if updates is None:
        return
    if not updates:
        ctx.reply(CorrectNeedsField(ref=event.ref))
        return
    change(ctx, event, "correct", note=intent.body, **updates)
    if event.status == EventStatus.OPEN and event.level == 1 and event.before and event.after:
        close(ctx, event, "self_resolve", Closure.SELF)
        ctx.reply(ClosedSelf(ref=event.ref))
        return
    ctx.reply(Corrected(ref=event.ref, fields=sorted(updates)))


@router.handles(IntentKind.WITHDRAW)
def withdraw(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    if ctx.actor.id != event.reporter_id:
        ctx.reply(NoPermission(action=f"撤回 {event.ref}（只能撤回自己上报的事件）"))
        return
    if event.status != EventStatus.OPEN or event.level != 1:
        refuse_status(ctx, event, "撤回")
        return
    change(ctx, event, "withdraw", status=EventStatus.WITHDRAWN, note=intent.body)
    ctx.reply(Withdrawn(ref=event.ref))
