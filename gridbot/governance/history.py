"""The one way an event changes: set the new state and write its history entry together."""

from __future__ import annotations

from typing import Any

from gridbot.governance.context import Context
from gridbot.storage.models.events import Event, EventHistory, EventStatus


def change(
    ctx: Context,
    event: Event,
    action: str,
    *,
    status: str | None = None,
    note: str = "",
    **updates: Any,
) -> None:
    """Apply `updates` (and the new status) to the event and record who, when, what, from → to."""
    before = event.status
    # A deadline's clock starts when it is set; a queue's wait starts when the event enters it.
    if updates.get("accept_due") is not None:
        updates.setdefault("accept_from", ctx.now)
    if updates.get("resolve_due") is not None:
        updates.setdefault("resolve_from", ctx.now)
    if status == EventStatus.PENDING and before != EventStatus.PENDING:
        updates.setdefault("pending_since", ctx.now)
    changed = {key: value for key, value in updates.items() if getattr(event, key) != value}
    for key, value in changed.items():
        setattr(event, key, value)
    if status is not None:
        event.status = status
    event.updated_at = ctx.now
    _store_with_entry(ctx, event, action, before, note, changed)


def create(ctx: Context, event: Event, action: str, *, note: str = "", **detail: Any) -> Event:
    """Store a new event with its first history entry (from no status to its initial one)."""
    _store_with_entry(ctx, event, action, None, note, detail)
    return event


def close(ctx: Context, event: Event, action: str, closure: str, *, note: str = "", **updates: Any) -> None:
    """Close the event (已办结) with its closure kind: self, coordination, resolution or unfounded."""
    change(ctx, event, action, status=EventStatus.CLOSED, note=note, closure=closure, closed_at=ctx.now, **updates)


def _store_with_entry(
    ctx: Context, event: Event, action: str, before: str | None, note: str, detail: dict[str, Any]
) -> None:
    """Write the event and its history entry: who (the actor, or the system), when, what, from → to."""
    ctx.session.add(event)
    ctx.session.flush()
    assert event.id is not None
    ctx.session.add(
        EventHistory(
            event_id=event.id,
            at=ctx.now,
            actor_id=ctx.actor.id if ctx.actor is not None else None,
            action=action,
            from_status=before,
            to_status=event.status,
            note=note,
            detail={key: _plain(value) for key, value in detail.items()},
        )
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
