"""查询 E12 / 待办 / 帮助: answers that change nothing."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, or_, select

from gridbot.governance import directives, lookup
from gridbot.governance.context import Context
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.storage import org_repo
from gridbot.storage.models.events import (
    STATUS_LABELS,
    Event,
    EventHistory,
    EventPhoto,
    EventStatus,
    HolderKind,
)
from gridbot.storage.models.org import GroupKind, Role

router = Router("queries")

HISTORY_LINES = 6


def event_summary(ctx: Context, event: Event) -> dict[str, Any]:
    assert event.id is not None
    history = ctx.session.exec(
        select(EventHistory).where(EventHistory.event_id == event.id).order_by(col(EventHistory.id))
    ).all()
    photos = len(ctx.session.exec(select(EventPhoto).where(EventPhoto.event_id == event.id)).all())
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
    ctx.reply("event_status", **event_summary(ctx, event))


def todo(ctx: Context) -> None:
    """待办: what waits for the asker, by role."""
    actor = ctx.actor
    assert actor is not None
    conditions = []
    grid_ids = actor.scopes(Role.GRID_WORKER, "grid_id") | actor.scopes(Role.PART_TIME, "grid_id")
    if grid_ids:
        conditions.append((col(Event.grid_id).in_(grid_ids)) & (col(Event.status) == EventStatus.OPEN))
    department_ids = actor.scopes(Role.DEPT_STAFF, "department_id") | actor.scopes(Role.FRONTLINE, "department_id")
    if department_ids:
        conditions.append(
            col(Event.department_id).in_(department_ids)
            & col(Event.status).in_([EventStatus.DISPATCHED, EventStatus.ACCEPTED])
        )
    town_ids = actor.scopes(Role.SEAT, "town_id")
    if town_ids:
        conditions.append(
            col(Event.town_id).in_(town_ids)
            & col(Event.level).in_([1, 2])
            & col(Event.status).in_([EventStatus.PENDING, EventStatus.RESOLVED])
            & (col(Event.holder_kind) != HolderKind.DEPARTMENT)
        )
    if actor.scopes(Role.SEAT, "district_id"):
        conditions.append(
            ((col(Event.level) == 3) | col(Event.warning))
            & col(Event.status).in_([EventStatus.PENDING, EventStatus.RESOLVED])
        )
    events = ctx.session.exec(select(Event).where(or_(*conditions)).order_by(col(Event.id))).all() if conditions else []
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
    ctx.reply("todo", items=items, tasks=tasks)


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
    ctx.reply("help", audience=audience)
