"""Due work on deadlines (workflow.md §5): reminders before, overdue notices and flags after.

`moments` lists when something falls due (the scenario runner jumps from one to the next); `run` does
everything due by `now` that was not done yet. Every notice is logged in `reminder_sent`, so running twice
for the same moment sends nothing twice; after downtime only the latest stage of each deadline is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from gridbot.governance import lookup
from gridbot.governance.context import Context
from gridbot.governance.history import change, task_change
from gridbot.governance.permissions import Action, Scope
from gridbot.notices.reminders import (
    OverdueAccept,
    OverdueResolve,
    ReminderAccept,
    ReminderCenterPending,
    ReminderOpen,
    ReminderResolve,
    TaskAckReminder,
    TaskDueReminder,
    TaskOverdue,
)
from gridbot.storage import directive_repo, event_repo, org_repo, timing_repo
from gridbot.storage.models.directives import (
    Directive,
    DirectiveStatus,
    DirectiveTask,
    TaskStatus,
)
from gridbot.storage.models.events import Event, EventStatus
from gridbot.storage.models.timing import ReminderSent

FLAG_NOT_ACCEPTED = "推诿不受理"
FLAG_NOT_RESOLVED = "拖延不办理"
FLAG_TASK_OVERDUE = "逾期未完成"
OPEN_AGE_REMINDERS = 3  # remind an open level-1 event at 1×, 2× and 3× the configured age, then stop


@dataclass(frozen=True, slots=True)
class Stage:
    """One notice of one deadline: `overdue` stages also set a flag."""

    subject: str
    stage: str
    due: datetime
    at: datetime
    overdue: bool = False


def _reminder_stages(ctx: Context, subject: str, kind: str, start: datetime, due: datetime) -> list[Stage]:
    stages = []
    for fraction in ctx.settings.reminder_fractions:
        at = start + (due - start) * fraction
        if start < at < due:
            stages.append(Stage(subject, f"{kind}_{fraction:g}", due, at))
    before = due - timedelta(hours=ctx.settings.reminder_before_hours)
    if start < before < due and all(abs((s.at - before).total_seconds()) > 60 for s in stages):
        stages.append(Stage(subject, f"{kind}_before", due, before))
    stages.append(Stage(subject, f"{kind}_overdue", due, due, overdue=True))
    return sorted(stages, key=lambda s: s.at)


def _event_deadlines(ctx: Context) -> Iterator[tuple[Event, list[Stage]]]:
    for event in event_repo.live_events(ctx.session):
        if event.directive_task_id is not None:
            continue  # directive tasks have their own deadlines below
        ref = event.ref
        if event.status == EventStatus.DISPATCHED and event.accept_due and event.accept_from:
            yield event, _reminder_stages(ctx, ref, "accept", event.accept_from, event.accept_due)
        elif event.status == EventStatus.ACCEPTED and event.resolve_due and event.resolve_from:
            yield event, _reminder_stages(ctx, ref, "resolve", event.resolve_from, event.resolve_due)
        elif event.status == EventStatus.PENDING and event.pending_since:
            due = event.pending_since + timedelta(hours=ctx.settings.center_dispatch_hours)
            yield event, [Stage(ref, "center_pending", due, due)]
        elif event.status == EventStatus.OPEN and event.level == 1:
            age = timedelta(hours=ctx.settings.open_event_reminder_hours)
            yield (
                event,
                [
                    Stage(ref, f"open_{n}", event.created_at + age * n, event.created_at + age * n)
                    for n in range(1, OPEN_AGE_REMINDERS + 1)
                ],
            )


def _task_deadlines(ctx: Context) -> Iterator[tuple[DirectiveTask, list[Stage]]]:
    for task in directive_repo.live_tasks(ctx.session):
        subject = f"T{task.id}"
        stages: list[Stage] = []
        if task.status == TaskStatus.DISPATCHED:
            at = task.created_at + timedelta(hours=ctx.settings.directive_ack_hours)
            if task.deadline is None or at < task.deadline:
                stages.append(Stage(subject, "task_ack", at, at))
        if task.deadline is not None:
            before = task.deadline - timedelta(hours=ctx.settings.reminder_before_hours)
            if before > task.created_at:
                stages.append(Stage(subject, "task_before", task.deadline, before))
            stages.append(Stage(subject, "task_overdue", task.deadline, task.deadline, overdue=True))
        yield task, stages


def _sent(ctx: Context) -> set[tuple[str, str, str]]:
    return timing_repo.reminders_sent(ctx.session)


def moments(ctx: Context, after: datetime, until: datetime) -> list[datetime]:
    """When some deadline stage not yet sent falls due in (after, until]."""
    sent = _sent(ctx)
    found: list[datetime] = []
    for _, stages in [*_event_deadlines(ctx), *_task_deadlines(ctx)]:
        for stage in stages:
            if after < stage.at <= until and (stage.subject, stage.stage, stage.due.isoformat()) not in sent:
                found.append(stage.at)
    return found


def _claim_due(ctx: Context, stages: list[Stage], sent: set[tuple[str, str, str]]) -> Stage | None:
    """Log every stage due by now and return the latest one to announce (older ones are stale)."""
    due = [s for s in stages if s.at <= ctx.now and (s.subject, s.stage, s.due.isoformat()) not in sent]
    for stage in due:
        ctx.session.add(
            ReminderSent(subject=stage.subject, stage=stage.stage, due=stage.due.isoformat(), sent_at=ctx.now)
        )
    return due[-1] if due else None


def run(ctx: Context) -> None:
    if not ctx.permits(Action.DUE_WORK, Scope()):
        raise PermissionError("due work runs as the system")
    sent = _sent(ctx)
    for event, stages in list(_event_deadlines(ctx)):
        stage = _claim_due(ctx, stages, sent)
        if stage is not None:
            _announce_event(ctx, event, stage)
    for task, stages in list(_task_deadlines(ctx)):
        stage = _claim_due(ctx, stages, sent)
        if stage is not None:
            _announce_task(ctx, task, stage)
    ctx.session.flush()


def _announce_event(ctx: Context, event: Event, stage: Stage) -> None:
    ref = event.ref
    if stage.stage.startswith("open_"):
        ctx.post(
            lookup.grid_group(ctx.session, event.grid_id),
            ReminderOpen(ref=ref, description=event.description, since=event.created_at),
            mentions=lookup.grid_people(ctx.session, event.grid_id, with_leads=False),
        )
        return
    if stage.stage == "center_pending":
        group = lookup.center_group_of(ctx.session, event)
        ctx.post(
            group,
            ReminderCenterPending(ref=ref, since=event.pending_since),
            mentions=lookup.seat_ids(ctx.session, group),
        )
        return
    department = org_repo.department(ctx.session, event.department_id) if event.department_id else None
    department_group = lookup.department_group(ctx.session, event.department_id) if event.department_id else None
    staff = lookup.department_staff_ids(ctx.session, event.department_id) if event.department_id else []
    name = department.name if department else ""
    accepting = stage.stage.startswith("accept")
    if not stage.overdue:
        reminder = ReminderAccept if accepting else ReminderResolve
        ctx.post(department_group, reminder(ref=ref, due=stage.due, department=name), mentions=staff)
        return
    flag = FLAG_NOT_ACCEPTED if accepting else FLAG_NOT_RESOLVED
    if flag not in event.flags:
        change(ctx, event, "flag", flags=[*event.flags, flag], note=f"{flag}（{name}）")
    overdue = (OverdueAccept if accepting else OverdueResolve)(ref=ref, due=stage.due, department=name, flag=flag)
    ctx.post(department_group, overdue, mentions=staff)
    ctx.post(lookup.center_group_of(ctx.session, event), overdue)


def _announce_task(ctx: Context, task: DirectiveTask, stage: Stage) -> None:
    directive = ctx.session.get(Directive, task.directive_id)
    if directive is None or directive.status != DirectiveStatus.DISPATCHED or directive.id is None:
        return
    grid = org_repo.grid(ctx.session, task.grid_id)
    group = lookup.grid_group(ctx.session, task.grid_id)
    if stage.stage == "task_ack":
        ctx.post(
            group,
            TaskAckReminder(ref=directive.ref, title=directive.title),
            mentions=lookup.grid_people(ctx.session, task.grid_id, with_leads=False),
        )
        return
    if stage.stage == "task_before":
        ctx.post(
            group,
            TaskDueReminder(ref=directive.ref, title=directive.title, deadline=task.deadline),
            mentions=lookup.grid_people(ctx.session, task.grid_id, with_leads=False),
        )
        return
    task_change(ctx, directive, task, "overdue", note=grid.name)
    if task.event_id is not None:
        event = ctx.session.get(Event, task.event_id)
        if event is not None and FLAG_TASK_OVERDUE not in event.flags:
            change(
                ctx,
                event,
                "flag",
                flags=[*event.flags, FLAG_TASK_OVERDUE],
                note=f"{directive.ref} {FLAG_TASK_OVERDUE}",
            )
    ctx.post(
        group,
        TaskOverdue(ref=directive.ref, title=directive.title, grid=grid.name, deadline=task.deadline),
        mentions=lookup.grid_people(ctx.session, task.grid_id, with_leads=True),
    )
    ctx.post(
        lookup.department_group(ctx.session, directive.department_id),
        TaskOverdue(ref=directive.ref, title=directive.title, grid=grid.name, deadline=task.deadline),
    )
