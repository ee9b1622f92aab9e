"""The one way anything changes: set the new state and write its history entry together.

Events, directives and directive tasks each have a history table; the status after an action is read from their
state machine (`machines.py`), so a change the machine does not declare raises instead of being written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridbot.governance.context import Context
from gridbot.governance.machines import DIRECTIVE, EVENT, TASK
from gridbot.storage.models.directives import Directive, DirectiveHistory, DirectiveStatus, DirectiveTask
from gridbot.storage.models.events import Event, EventHistory, EventStatus


def change(ctx: Context, event: Event, action: str, *, note: str = "", **updates: Any) -> None:
    """Apply `updates` to the event, move it as the machine says, and record who, when, what, from → to."""
    before = event.status
    after = EVENT.target(before, action)
    # A deadline's clock starts when it is set; a center's wait (待派单, 待核查) starts when the event enters it.
    if updates.get("accept_due") is not None:
        updates.setdefault("accept_from", ctx.now)
    if updates.get("resolve_due") is not None:
        updates.setdefault("resolve_from", ctx.now)
    if after == EventStatus.PENDING and before != EventStatus.PENDING:
        updates.setdefault("pending_since", ctx.now)
    if after == EventStatus.RESOLVED and before != EventStatus.RESOLVED:
        updates.setdefault("verify_since", ctx.now)
    changed = {key: value for key, value in updates.items() if getattr(event, key) != value}
    for key, value in changed.items():
        setattr(event, key, value)
    if after is not None:
        event.status = after
    event.updated_at = ctx.now
    _store_event(ctx, event, action, before, note, changed)


def create(ctx: Context, event: Event, action: str, *, note: str = "", **detail: Any) -> Event:
    """Store a new event with its first history entry (from no status to its initial one)."""
    after = EVENT.target(None, action)
    assert after is not None
    event.status = after
    _store_event(ctx, event, action, None, note, detail)
    return event


def close(ctx: Context, event: Event, action: str, closure: str, *, note: str = "", **updates: Any) -> None:
    """Close the event (已办结) with its closure kind: self, coordination, resolution or unfounded."""
    change(ctx, event, action, note=note, closure=closure, closed_at=ctx.now, **updates)


def _store_event(
    ctx: Context, event: Event, action: str, before: str | None, note: str, detail: dict[str, Any]
) -> None:
    ctx.session.add(event)
    ctx.session.flush()
    assert event.id is not None
    ctx.session.add(
        EventHistory(
            event_id=event.id,
            at=ctx.now,
            actor_id=ctx.actor.person_id,
            action=action,
            from_status=before,
            to_status=event.status,
            note=note,
            detail={key: _plain(value) for key, value in detail.items()},
        )
    )


def directive_change(ctx: Context, directive: Directive, action: str, *, note: str = "", **detail: Any) -> None:
    """Move a directive as its machine says and record it (creation included: the directive is new)."""
    before = None if directive.id is None else directive.status
    after = DIRECTIVE.target(before, action)
    if after is not None:
        directive.status = after
    if after == DirectiveStatus.PENDING_REVIEW:
        directive.review_since = ctx.now  # a center's review starts: on creation, and as each center passes it on
    if directive.id is None:
        ctx.session.add(directive)
        ctx.session.flush()
    _store_directive(ctx, directive, None, action, before, after, note, detail)


def task_change(
    ctx: Context, directive: Directive, task: DirectiveTask, action: str, *, note: str = "", **detail: Any
) -> None:
    """Move one grid's task of a directive as the task machine says and record it under the directive."""
    before = None if task.id is None else task.status
    after = TASK.target(before, action)
    if after is not None:
        task.status = after
    ctx.session.add(task)
    ctx.session.flush()
    _store_directive(ctx, directive, task, action, before, after, note, detail)


def _store_directive(
    ctx: Context,
    directive: Directive,
    task: DirectiveTask | None,
    action: str,
    before: str | None,
    after: str | None,
    note: str,
    detail: dict[str, Any],
) -> None:
    assert directive.id is not None
    ctx.session.add(
        DirectiveHistory(
            directive_id=directive.id,
            task_id=task.id if task is not None else None,
            at=ctx.now,
            actor_id=ctx.actor.person_id,
            action=action,
            from_status=before,
            to_status=after,
            note=note,
            detail={key: _plain(value) for key, value in detail.items()},
        )
    )
    directive.updated_at = ctx.now
    ctx.session.add(directive)
    ctx.session.flush()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value
