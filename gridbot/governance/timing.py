"""Due work on deadlines (workflow.md §5): reminders before, overdue notices and flags after.

Every limit runs on the working clock of `deadlines.py` (working hours of working days; natural hours for urgent
matters): a department's 签收 and 办结, the center's own stages (待派单, 待核查, a directive's 待审核), the age of an
open level-1 event, a directive task's 收到. A directive task's deadline is the date its department wrote. Reminders
come at the configured fractions of a limit and one hour of the same clock before it; a notice of a non-urgent
matter that falls in the quiet hours is sent when they end.

`moments` lists when something falls due (the scenario runner jumps from one to the next); `run` does
everything due by `now` that was not done yet. Every notice is logged in `reminder_sent`, so running twice
for the same moment sends nothing twice; after downtime only the latest stage of each deadline is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from gridbot.governance import lookup
from gridbot.governance.context import Context
from gridbot.governance.deadlines import WorkingTime, directive_is_urgent, event_is_urgent
from gridbot.governance.directive_issue import center
from gridbot.governance.history import change, task_change
from gridbot.governance.permissions import Action, Scope
from gridbot.notices.reminders import (
    OverdueAccept,
    OverdueCenterPending,
    OverdueResolve,
    OverdueReview,
    OverdueVerify,
    ReminderAccept,
    ReminderCenterPending,
    ReminderOpen,
    ReminderResolve,
    ReminderReview,
    ReminderVerify,
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
    """One notice of one deadline, sent at `at` (`due` shifted out of the quiet hours for non-urgent matters);
    `overdue` stages also set a flag where there is one."""

    subject: str
    stage: str
    due: datetime
    at: datetime
    overdue: bool = False


def _reminder_stages(
    ctx: Context, subject: str, kind: str, start: datetime, due: datetime, *, urgent: bool
) -> list[Stage]:
    """Reminders at the configured fractions of the limit and one hour (of the same clock) before it, then the
    overdue notice at the limit."""
    work = WorkingTime.of(ctx.settings)
    total = work.elapsed(start, due, urgent=urgent)
    moments: list[tuple[str, datetime]] = []
    for fraction in ctx.settings.reminder_fractions:
        at = work.advance(start, total * fraction, urgent=urgent)
        if start < at < due:
            moments.append((f"{kind}_{fraction:g}", at))
    before = work.rewind(due, timedelta(hours=ctx.settings.reminder_before_hours), urgent=urgent)
    if start < before < due and all(abs((at - before).total_seconds()) > 60 for _, at in moments):
        moments.append((f"{kind}_before", before))
    stages = [Stage(subject, name, due, work.notify_at(at, urgent=urgent)) for name, at in moments]
    stages.append(Stage(subject, f"{kind}_overdue", due, work.notify_at(due, urgent=urgent), overdue=True))
    return sorted(stages, key=lambda s: (s.at, s.overdue))


def center_due(ctx: Context, event: Event) -> datetime | None:
    """The limit of the center's own stage the event waits in: 待派单 or 待核查 (None in any other status)."""
    work = WorkingTime.of(ctx.settings)
    urgent = event_is_urgent(ctx.catalog, event)
    if event.status == EventStatus.PENDING and event.pending_since is not None:
        return work.add(event.pending_since, ctx.settings.center_dispatch_hours, urgent=urgent)
    if event.status == EventStatus.RESOLVED and event.verify_since is not None:
        return work.add(event.verify_since, ctx.settings.center_verify_hours, urgent=urgent)
    return None


def review_due(ctx: Context, directive: Directive) -> datetime | None:
    """The limit of the review the directive waits in (待审核), at the center whose turn it is."""
    if directive.status != DirectiveStatus.PENDING_REVIEW or directive.review_since is None:
        return None
    urgent = directive_is_urgent(directive)
    return WorkingTime.of(ctx.settings).add(directive.review_since, ctx.settings.directive_review_hours, urgent=urgent)


def overdue_at_centers(ctx: Context) -> tuple[set[int], set[int]]:
    """The events overdue at a center's stage (待派单, 待核查) and the directives overdue in review, now."""
    events = {
        event.id
        for event in event_repo.at_center_stages(ctx.session)
        if event.id is not None and (due := center_due(ctx, event)) is not None and due < ctx.now
    }
    directives = {
        directive.id
        for directive in directive_repo.pending_review(ctx.session)
        if directive.id is not None and (due := review_due(ctx, directive)) is not None and due < ctx.now
    }
    return events, directives


def _event_deadlines(ctx: Context) -> Iterator[tuple[Event, list[Stage]]]:
    work = WorkingTime.of(ctx.settings)
    for event in [*event_repo.live_events(ctx.session), *event_repo.awaiting_verification(ctx.session)]:
        if event.directive_task_id is not None:
            continue  # directive tasks have their own deadlines below
        ref = event.ref
        urgent = event_is_urgent(ctx.catalog, event)
        if event.status == EventStatus.DISPATCHED and event.accept_due and event.accept_from:
            yield event, _reminder_stages(ctx, ref, "accept", event.accept_from, event.accept_due, urgent=urgent)
        elif event.status == EventStatus.ACCEPTED and event.resolve_due and event.resolve_from:
            yield event, _reminder_stages(ctx, ref, "resolve", event.resolve_from, event.resolve_due, urgent=urgent)
        elif event.status == EventStatus.PENDING and event.pending_since:
            due = center_due(ctx, event)
            assert due is not None
            yield event, _reminder_stages(ctx, ref, "pending", event.pending_since, due, urgent=urgent)
        elif event.status == EventStatus.RESOLVED and event.verify_since:
            due = center_due(ctx, event)
            assert due is not None
            yield event, _reminder_stages(ctx, ref, "verify", event.verify_since, due, urgent=urgent)
        elif event.status == EventStatus.OPEN and event.level == 1:
            hours = ctx.settings.open_event_reminder_hours
            ages = [work.add(event.created_at, hours * n, urgent=urgent) for n in range(1, OPEN_AGE_REMINDERS + 1)]
            yield (
                event,
                [Stage(ref, f"open_{n}", at, work.notify_at(at, urgent=urgent)) for n, at in enumerate(ages, start=1)],
            )


def _review_deadlines(ctx: Context) -> Iterator[tuple[Directive, list[Stage]]]:
    for directive in directive_repo.pending_review(ctx.session):
        due = review_due(ctx, directive)
        if due is None or directive.review_since is None:
            continue
        urgent = directive_is_urgent(directive)
        yield directive, _reminder_stages(ctx, directive.ref, "review", directive.review_since, due, urgent=urgent)


def _task_deadlines(ctx: Context) -> Iterator[tuple[DirectiveTask, list[Stage]]]:
    work = WorkingTime.of(ctx.settings)
    directives = directive_repo.directives_of_live_tasks(ctx.session)
    for task in directive_repo.live_tasks(ctx.session):
        directive = directives.get(task.directive_id)
        urgent = directive is not None and directive_is_urgent(directive)
        subject = f"T{task.id}"
        stages: list[Stage] = []
        if task.status == TaskStatus.DISPATCHED:
            at = work.add(task.created_at, ctx.settings.directive_ack_hours, urgent=urgent)
            if task.deadline is None or at < task.deadline:
                stages.append(Stage(subject, "task_ack", at, work.notify_at(at, urgent=urgent)))
        if task.deadline is not None:
            # The deadline is the date the department wrote; the reminder comes an hour of working time before it.
            before = work.rewind(task.deadline, timedelta(hours=ctx.settings.reminder_before_hours), urgent=urgent)
            if before > task.created_at:
                stages.append(Stage(subject, "task_before", task.deadline, work.notify_at(before, urgent=urgent)))
            stages.append(
                Stage(
                    subject, "task_overdue", task.deadline, work.notify_at(task.deadline, urgent=urgent), overdue=True
                )
            )
        yield task, sorted(stages, key=lambda s: (s.at, s.overdue))


def _sent(ctx: Context, deadlines: Iterable[tuple[object, list[Stage]]]) -> set[tuple[str, str, str]]:
    """What was already sent about the subjects that have deadlines now."""
    subjects = {stage.subject for _, stages in deadlines for stage in stages}
    return timing_repo.reminders_sent(ctx.session, subjects)


def moments(ctx: Context, after: datetime, until: datetime) -> list[datetime]:
    """When some deadline stage not yet sent falls due in (after, until]."""
    deadlines = [*_event_deadlines(ctx), *_review_deadlines(ctx), *_task_deadlines(ctx)]
    sent = _sent(ctx, deadlines)
    found: list[datetime] = []
    for _, stages in deadlines:
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
    events, reviews, tasks = list(_event_deadlines(ctx)), list(_review_deadlines(ctx)), list(_task_deadlines(ctx))
    sent = _sent(ctx, [*events, *reviews, *tasks])
    for event, stages in events:
        stage = _claim_due(ctx, stages, sent)
        if stage is not None:
            _announce_event(ctx, event, stage)
    for directive, stages in reviews:
        stage = _claim_due(ctx, stages, sent)
        if stage is not None:
            _announce_review(ctx, directive, stage)
    for task, stages in tasks:
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
    if stage.stage.startswith(("pending_", "verify_")):
        _announce_center(ctx, event, stage)
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


def _announce_center(ctx: Context, event: Event, stage: Stage) -> None:
    """The center's own stages: a reminder or an overdue notice in its group, to its seats."""
    group = lookup.center_group_of(ctx.session, event)
    ref = event.ref
    if stage.stage.startswith("pending_"):
        pending = OverdueCenterPending if stage.overdue else ReminderCenterPending
        ctx.post(
            group,
            pending(ref=ref, since=event.pending_since, due=stage.due),
            mentions=lookup.seat_ids(ctx.session, group),
        )
        return
    department = lookup.department_name(ctx.session, event.department_id)
    verify = OverdueVerify if stage.overdue else ReminderVerify
    ctx.post(
        group,
        verify(ref=ref, department=department, since=event.verify_since, due=stage.due),
        mentions=lookup.seat_ids(ctx.session, group),
    )


def _announce_review(ctx: Context, directive: Directive, stage: Stage) -> None:
    """A directive waiting for a center's review: to the seats of the center whose turn it is."""
    name, group = center(ctx, directive.review_chain[len(directive.reviewers)])
    review = OverdueReview if stage.overdue else ReminderReview
    ctx.post(
        group,
        review(ref=directive.ref, title=directive.title, center=name, due=stage.due),
        mentions=lookup.seat_ids(ctx.session, group),
    )


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
