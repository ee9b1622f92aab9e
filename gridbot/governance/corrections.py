"""What a reporter may still do with a report: correct it, withdraw it."""

from __future__ import annotations

from typing import Any

from gridbot.governance import scopes
from gridbot.governance.commands import Correct, Correction, Withdraw
from gridbot.governance.context import Context
from gridbot.governance.handlers import handles
from gridbot.governance.history import change, close
from gridbot.governance.machines import EVENT
from gridbot.governance.permissions import Action
from gridbot.governance.refusals import refuse_status, require
from gridbot.governance.reports import best_item
from gridbot.notices.corrections import CategoryUnknown, Corrected, CorrectNeedsField, Withdrawn
from gridbot.notices.flow import ClosedSelf
from gridbot.storage.models.events import Closure, Event, EventStatus


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


def _updates(ctx: Context, event: Event, correction: Correction) -> dict[str, Any] | None:
    """The event's new values; None (answered) when the category names nothing in the catalog."""
    updates: dict[str, Any] = {}
    for key in ("location", "occurred_at", "before", "after", "description"):
        value = getattr(correction, key)
        if value:
            updates[key] = value
    for key in ("phones", "id_numbers", "persons"):
        values = getattr(correction, key)
        if values:
            updates[key] = list(values)
    if correction.category:
        category = _category_updates(ctx, event, correction.category)
        if category is None:
            ctx.reply(CategoryUnknown(ref=event.ref, category=correction.category))
            return None
        updates.update(category)
    return updates


@handles(Correct)
def correct(ctx: Context, command: Correct) -> None:
    # Reporters correct their reports; the grid's 专职网格员 (the hub of the grid) may correct any report there.
    event = command.event
    refusal = f"更正 {event.ref}（只有上报人和本网格专职网格员可以更正）"
    if not require(ctx, Action.EVENT_CORRECT, scopes.of_event(ctx.session, event), refusal, ref=event.ref):
        return
    if not EVENT.allows(event, "correct"):
        refuse_status(ctx, event, "更正")
        return
    updates = _updates(ctx, event, command.correction)
    if updates is None:
        return
    if not updates:
        ctx.reply(CorrectNeedsField(ref=event.ref))
        return
    change(ctx, event, "correct", note=command.note, **updates)
    if event.status == EventStatus.OPEN and event.level == 1 and event.before and event.after:
        close(ctx, event, "self_resolve", Closure.SELF)
        ctx.reply(ClosedSelf(ref=event.ref))
        return
    ctx.reply(Corrected(ref=event.ref, fields=sorted(updates)))


@handles(Withdraw)
def withdraw(ctx: Context, command: Withdraw) -> None:
    event = command.event
    refusal = f"撤回 {event.ref}（只能撤回自己上报的事件）"
    if not require(ctx, Action.EVENT_WITHDRAW, scopes.of_event(ctx.session, event), refusal, ref=event.ref):
        return
    if not EVENT.allows(event, "withdraw"):
        refuse_status(ctx, event, "撤回")
        return
    change(ctx, event, "withdraw", note=command.note)
    ctx.reply(Withdrawn(ref=event.ref))
