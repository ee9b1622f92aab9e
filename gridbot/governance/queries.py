"""查询 E12 / 待办 / 帮助: answers that change nothing."""

from __future__ import annotations

from typing import Any

from gridbot.governance import directives, lookup
from gridbot.governance.context import Context
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices.queries import EventReport, Help, Todo
from gridbot.storage import event_repo, org_repo
from gridbot.storage.models.events import (
    STATUS_LABELS,
    Event,
    EventStatus,
)
from gridbot.storage.models.org import GroupKind, Role

router = Router("queries")

HISTORY_LINES = 6


def event_summary(ctx: Context, event: Event) -> dict[str, Any]:
    assert event.id is not None
    history = event_repo.history(ctx.session, event.id)
    photos = event_repo.photo_count(ctx.session, event.id)
    return {
        "ref": event.ref,
        "status": STATUS_LABELS[event.status],
        "level": event.level,
        "sector": event.sector or "待分类",
        "grid": org_repo.grid(ctx.session, event.grid_id).name,
        "holder": lookup.holder_name(ctx.session, event),
        "location": event.location or "",
        "description": event.description,
        "photos": photos,
        "returns": event.returns,
        "flags": list(event.flags),
        "resolve_due": event.resolve_due,
        "accept_due": event.accept_due if event.status == EventStatus.DISPATCHED else None,
        "history": [
            {
                "at": h.at,
                "who": lookup.person_name(ctx.session, h.actor_id),
                "action": h.action,
                "note": h.note,
            }
            for h in history[-HISTORY_LINES:]
        ],
    }


@router.handles(IntentKind.QUERY)
def query(ctx: Context, intent: Intent) -> None:
    if intent.ref is None:
        todo(ctx)
        return
    if intent.ref.startswith("D"):
        directives.query(ctx, intent.ref)
        return
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None:
        return
    ctx.reply(EventReport(**event_summary(ctx, event)))


def todo(ctx: Context) -> None:
    """待办: what waits for the asker, by role."""
    actor = ctx.actor
    assert actor is not None
    events = event_repo.waiting_for(
        ctx.session,
        grid_ids=actor.scopes(Role.GRID_WORKER, "grid_id") | actor.scopes(Role.PART_TIME, "grid_id"),
        department_ids=actor.scopes(Role.DEPT_STAFF, "department_id") | actor.scopes(Role.FRONTLINE, "department_id"),
        town_ids=actor.scopes(Role.SEAT, "town_id"),
        district_seat=bool(actor.scopes(Role.SEAT, "district_id")),
    )
    tasks = directives.todo_lines(ctx)
    items = [
        {
            "ref": e.ref,
            "status": STATUS_LABELS[e.status],
            "description": e.description,
            "due": e.resolve_due or e.accept_due,
        }
        for e in events
    ]
    ctx.reply(Todo(items=items, tasks=tasks))


@router.handles(IntentKind.HELP)
def help_(ctx: Context, intent: Intent) -> None:
    kind = ctx.place_kind
    audience = (
        {
            GroupKind.GRID: "grid",
            GroupKind.DEPARTMENT: "department",
            GroupKind.TOWN_CENTER: "center",
            GroupKind.DISTRICT_CENTER: "center",
        }.get(kind, "grid")
        if kind is not None
        else "grid"
    )
    ctx.reply(Help(audience=audience))
