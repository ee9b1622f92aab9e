"""查询 E12 / 查询 D3 / 待办 / 帮助: answers that change nothing, each scoped by the permission table."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from gridbot.clock import SHANGHAI, local
from gridbot.governance import directive_tasks, lookup, scopes
from gridbot.governance.actors import PlaceKind
from gridbot.governance.commands import ViewDirective, ViewEvent, ViewHelp, ViewStats, ViewTodo
from gridbot.governance.context import Context
from gridbot.governance.directive_issue import brief
from gridbot.governance.handlers import handles
from gridbot.governance.permissions import Action
from gridbot.governance.refusals import require
from gridbot.governance.timing import overdue_at_centers
from gridbot.notices.digests import digest
from gridbot.notices.directives import DirectiveReport
from gridbot.notices.forms import EVENT_STAGES, form, stage
from gridbot.notices.queries import EventReport, Help, HistoryLine, Todo, TodoItem
from gridbot.notices.wording import when
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
from gridbot.storage.stats import digest_figures

HISTORY_LINES = 6
HELP_AUDIENCES = {
    PlaceKind.GRID: "grid",
    PlaceKind.DEPARTMENT: "department",
    PlaceKind.TOWN_CENTER: "center",
    PlaceKind.DISTRICT_CENTER: "center",
    PlaceKind.TOWN_LEADERS: "leader",
    PlaceKind.DISTRICT_LEADERS: "leader",
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


# What moves an event in each status (the permission table's action whose form the 待办 line shows).
NEXT_ACTION = {
    EventStatus.OPEN: Action.EVENT_CLOSE_IN_GRID,
    EventStatus.PENDING: Action.EVENT_DISPATCH,
    EventStatus.DISPATCHED: Action.EVENT_ACCEPT,
    EventStatus.ACCEPTED: Action.EVENT_RESOLVE,
    EventStatus.RESOLVED: Action.EVENT_VERIFY,
}


def _since(event: Event) -> datetime | None:
    """When the event entered the stage it waits in."""
    return {
        EventStatus.PENDING: event.pending_since,
        EventStatus.DISPATCHED: event.accept_from,
        EventStatus.ACCEPTED: event.resolve_from,
        EventStatus.RESOLVED: event.updated_at,
    }.get(EventStatus(event.status), event.created_at)


def _event_item(event: Event, next_form: str) -> TodoItem:
    return TodoItem(event.ref, STATUS_LABELS[event.status], event.description, _since(event), next_form)


def _moves(event: Event) -> str:
    action = NEXT_ACTION.get(EventStatus(event.status))
    if event.status == EventStatus.OPEN:
        return f"{form(Action.EVENT_CLOSE_IN_GRID.value, event.ref)} / {form(Action.EVENT_ESCALATE.value, event.ref)}"
    return form(action.value, event.ref) if action else form(Action.EVENT_VIEW.value, event.ref)


def _grid_items(ctx: Context) -> list[TodoItem]:
    """Grid workers: the grid's open events and directive tasks."""
    grids = ctx.actor.scopes(Role.GRID_WORKER, "grid_id") | ctx.actor.scopes(Role.PART_TIME, "grid_id")
    if not grids:
        return []
    items = [_event_item(e, _moves(e)) for e in event_repo.open_in_grids(ctx.session, grids)]
    for task in directive_repo.open_tasks_of_grids(ctx.session, grids):
        directive = ctx.session.get(Directive, task.directive_id)
        if directive is not None:
            action = Action.TASK_ACKNOWLEDGE if task.status == TaskStatus.DISPATCHED else Action.TASK_COMPLETE
            status = f"指令{TASK_STATUS_LABELS[TaskStatus(task.status)]}"
            items.append(
                TodoItem(directive.ref, status, directive.title, task.created_at, form(action.value, directive.ref))
            )
    return items


def _village_items(ctx: Context) -> list[TodoItem]:
    """网格长 and 网格指导员: the village's events not closed yet, with what each waits for."""
    villages = ctx.actor.scopes(Role.GRID_CHIEF, "village_id") | ctx.actor.scopes(Role.GRID_INSTRUCTOR, "village_id")
    return [
        _event_item(e, stage(EVENT_STAGES, e.status, e.ref))
        for e in event_repo.unfinished_in_villages(ctx.session, villages)
    ]


def _department_items(ctx: Context) -> list[TodoItem]:
    """Departments: what they were dispatched and what they accepted; extension requests of their directives."""
    departments = ctx.actor.scopes(Role.DEPT_STAFF, "department_id") | ctx.actor.scopes(Role.FRONTLINE, "department_id")
    if not departments:
        return []
    items = [_event_item(e, _moves(e)) for e in event_repo.held_by_departments(ctx.session, departments)]
    for task in directive_repo.extension_requests_of(ctx.session, ctx.actor.scopes(Role.DEPT_STAFF, "department_id")):
        directive = ctx.session.get(Directive, task.directive_id)
        if directive is not None:
            form_ = form(Action.DIRECTIVE_APPROVE_EXTENSION.value, directive.ref)
            items.append(TodoItem(directive.ref, "任务申请延期", directive.title, task.created_at, form_))
    return items


def _center_items(ctx: Context) -> list[TodoItem]:
    """Seats: to dispatch, to verify, extensions and warnings to decide, directives to review."""
    towns = ctx.actor.scopes(Role.SEAT, "town_id")
    districts = ctx.actor.scopes(Role.SEAT, "district_id")
    district_towns = {t.id for d in districts for t in org_repo.towns_of_district(ctx.session, d) if t.id is not None}
    items = []
    for event in event_repo.at_centers(ctx.session, towns, district_towns):
        if event.extension_requested_hours:
            items.append(_event_item(event, form(Action.EVENT_APPROVE_EXTENSION.value, event.ref)))
        elif event.warning and event.warning_truth is None and event.status != EventStatus.PENDING:
            items.append(_event_item(event, form(Action.EVENT_VERIFY_WARNING.value, event.ref)))
        else:
            items.append(_event_item(event, _moves(event)))
    centers = {("town", t) for t in towns} | {("district", d) for d in districts}
    for directive in directive_repo.pending_review(ctx.session):
        if scopes.reviewing_center(directive) in centers:
            review = form(Action.DIRECTIVE_REVIEW.value, directive.ref)
            items.append(TodoItem(directive.ref, "指令待审核", directive.title, directive.updated_at, review))
    return items


@handles(ViewTodo)
def todo(ctx: Context, command: ViewTodo) -> None:
    """待办: what waits for the asker, by each of their roles, each line with its age and what to type."""
    if not require(ctx, Action.TODO_VIEW, scopes.of_place(ctx.place), "查看待办"):
        return
    items: dict[str, TodoItem] = {}
    for found in (_center_items(ctx), _department_items(ctx), _grid_items(ctx), _village_items(ctx)):
        for item in found:
            items.setdefault(item.ref, item)
    ctx.reply(Todo(items=list(items.values()), now=ctx.now))


def _audience(ctx: Context) -> str:
    """Which commands to show: those of the asker's role in this group."""
    place = ctx.place
    if place.kind is PlaceKind.GRID:
        return "grid" if ctx.actor.holds(Role.GRID_WORKER, grid_id=place.grid_id) else "grid_helper"
    if place.kind is PlaceKind.DIRECT:
        for role, audience in ((Role.SEAT, "center"), (Role.DEPT_STAFF, "department"), (Role.LEADER, "leader")):
            if ctx.actor.holds(role):
                return audience
    return HELP_AUDIENCES.get(place.kind, "grid")


@handles(ViewHelp)
def help_(ctx: Context, command: ViewHelp) -> None:
    if require(ctx, Action.HELP_VIEW, scopes.of_place(ctx.place), "查看帮助"):
        ctx.reply(Help(audience=_audience(ctx)))


PERIOD_NAMES = {"day": "今日", "week": "本周", "month": "本月"}


def _period_start(now: datetime, period: str) -> datetime:
    today = local(now).date()
    first = {"week": today - timedelta(days=today.weekday()), "month": today.replace(day=1)}.get(period, today)
    return datetime.combine(first, time(), SHANGHAI)


def _stats_place(ctx: Context) -> tuple[set[int], str]:
    """The towns the asker sees and the name of that place: their town, or the district's towns."""
    place = ctx.place
    if place.town_id is not None:
        return {place.town_id}, org_repo.town(ctx.session, place.town_id).name
    district_ids = (
        {place.district_id} if place.district_id is not None else ctx.actor.scopes(Role.LEADER, "district_id")
    ) or ctx.actor.scopes(Role.SEAT, "district_id")
    towns = {t.id for d in district_ids for t in org_repo.towns_of_district(ctx.session, d) if t.id is not None}
    if not towns:  # a town leader or seat asking in a 1:1 chat
        towns = ctx.actor.scopes(Role.LEADER, "town_id") | ctx.actor.scopes(Role.SEAT, "town_id")
    names = [org_repo.district(ctx.session, d).name for d in district_ids] or [
        org_repo.town(ctx.session, t).name for t in sorted(towns)
    ]
    return towns, "、".join(names)


@handles(ViewStats)
def stats(ctx: Context, command: ViewStats) -> None:
    """日报 / 统计 / 本周 / 本月 asked in a leaders or center group: the digest's figures so far, for that place."""
    if not require(ctx, Action.STATS_VIEW, scopes.of_place(ctx.place), "查看统计"):
        return
    towns, place = _stats_place(ctx)
    start, now = _period_start(ctx.now, command.period), ctx.now
    at_center, in_review = overdue_at_centers(ctx)
    figures = digest_figures(
        ctx.session,
        town_ids=towns,
        start=start,
        end=now + timedelta(seconds=1),  # [start, now]: this very moment included
        silent_since=now - timedelta(days=ctx.settings.silent_grid_days),
        now=now,
        overdue_at_center=at_center,
        overdue_in_review=in_review,
    )
    period = f"{PERIOD_NAMES.get(command.period, '今日')}（截至{when(now)}）"
    ctx.reply(digest(figures, name="统计", place=place, period=period))
