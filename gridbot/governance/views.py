"""查询 E12 / 查询 D3 / 待办 / 帮助: answers that change nothing, each scoped by the permission table."""

from __future__ import annotations

from gridbot.governance import directive_tasks, lookup, scopes
from gridbot.governance.actors import PlaceKind
from gridbot.governance.commands import ViewDirective, ViewEvent, ViewHelp, ViewTodo
from gridbot.governance.context import Context
from gridbot.governance.directive_issue import brief
from gridbot.governance.handlers import handles
from gridbot.governance.permissions import Action
from gridbot.governance.refusals import require
from gridbot.notices.directives import DirectiveReport
from gridbot.notices.queries import EventReport, Help, HistoryLine, Todo, TodoItem
from gridbot.storage import directive_repo, event_repo, org_repo
from gridbot.storage.models.directives import (
    DIRECTIVE_STATUS_LABELS,
    TASK_STATUS_LABELS,
    Directive,
    DirectiveStatus,
    TaskStatus,
)
from gridbot.storage.models.events import STATUS_LABELS, Event, EventStatus
from gridbot.storage.models.org import Role

HISTORY_LINES = 6
HELP_AUDIENCES = {
    PlaceKind.GRID: "grid",
    PlaceKind.DEPARTMENT: "department",
    PlaceKind.TOWN_CENTER: "center",
    PlaceKind.DISTRICT_CENTER: "center",
}


def event_report(ctx: Context, event: Event) -> EventReport:
    assert event.id is not None
    history = event_repo.history(ctx.session, event.id)
    return EventReport(
        ref=event.ref,
        status=STATUS_LABELS[event.status],
        level=event.level,
        sector=event.sector or "待分类",
        grid=org_repo.grid(ctx.session, event.grid_id).name,
        holder=lookup.holder_name(ctx.session, event),
        location=event.location or "",
        description=event.description,
        photos=event_repo.photo_count(ctx.session, event.id),
        returns=event.returns,
        flags=list(event.flags),
        resolve_due=event.resolve_due,
        accept_due=event.accept_due if event.status == EventStatus.DISPATCHED else None,
        history=[
            HistoryLine(at=h.at, who=lookup.person_name(ctx.session, h.actor_id), action=h.action, note=h.note)
            for h in history[-HISTORY_LINES:]
        ],
    )


@handles(ViewEvent)
def view_event(ctx: Context, command: ViewEvent) -> None:
    event = command.event
    if require(ctx, Action.EVENT_VIEW, scopes.of_event(ctx.session, event), f"查询 {event.ref}", ref=event.ref):
        ctx.reply(event_report(ctx, event))


def directive_report(ctx: Context, directive: Directive) -> DirectiveReport:
    assert directive.id is not None
    return DirectiveReport(
        brief=brief(ctx, directive),
        status=DIRECTIVE_STATUS_LABELS[DirectiveStatus(directive.status)],
        reviewers=directive.reviewers,
        return_reason=directive.return_reason or "",
        lines=directive_tasks.progress_lines(ctx, directive.id),
    )


@handles(ViewDirective)
def view_directive(ctx: Context, command: ViewDirective) -> None:
    directive = command.directive
    scope = scopes.of_directive(ctx.session, directive)
    if require(ctx, Action.DIRECTIVE_VIEW, scope, f"查询 {directive.ref}", ref=directive.ref):
        ctx.reply(directive_report(ctx, directive))


def _task_lines(ctx: Context) -> list[str]:
    """Open directive tasks of the asker's grids."""
    grid_ids = ctx.actor.scopes(Role.GRID_WORKER, "grid_id") | ctx.actor.scopes(Role.PART_TIME, "grid_id")
    if not grid_ids:
        return []
    lines = []
    for task in directive_repo.open_tasks_of_grids(ctx.session, grid_ids):
        directive = ctx.session.get(Directive, task.directive_id)
        if directive is not None:
            lines.append(f"{directive.ref} {directive.title}（{TASK_STATUS_LABELS[TaskStatus(task.status)]}）")
    return lines


@handles(ViewTodo)
def todo(ctx: Context, command: ViewTodo) -> None:
    """待办: what waits for the asker, by role."""
    if not require(ctx, Action.TODO_VIEW, scopes.of_place(ctx.place), "查看待办"):
        return
    actor = ctx.actor
    events = event_repo.waiting_for(
        ctx.session,
        grid_ids=actor.scopes(Role.GRID_WORKER, "grid_id") | actor.scopes(Role.PART_TIME, "grid_id"),
        department_ids=actor.scopes(Role.DEPT_STAFF, "department_id") | actor.scopes(Role.FRONTLINE, "department_id"),
        town_ids=actor.scopes(Role.SEAT, "town_id"),
        district_seat=bool(actor.scopes(Role.SEAT, "district_id")),
    )
    items = [
        TodoItem(
            ref=e.ref, status=STATUS_LABELS[e.status], description=e.description, due=e.resolve_due or e.accept_due
        )
        for e in events
    ]
    ctx.reply(Todo(items=items, tasks=_task_lines(ctx)))


@handles(ViewHelp)
def help_(ctx: Context, command: ViewHelp) -> None:
    if require(ctx, Action.HELP_VIEW, scopes.of_place(ctx.place), "查看帮助"):
        ctx.reply(Help(audience=HELP_AUDIENCES.get(ctx.place.kind, "grid")))
