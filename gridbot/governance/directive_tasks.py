"""A dispatched directive's tasks, one per target grid (workflow.md §4): posting them, and the grid's answers
(收到, 进展, 完成, 延期) with the issuing department's approval of extensions."""

from __future__ import annotations

from datetime import timedelta

from gridbot.governance import lookup, scopes
from gridbot.governance.commands import (
    AcknowledgeTask,
    CompleteTask,
    DeclineTaskExtensions,
    RequestTaskExtension,
    TaskProgress,
)
from gridbot.governance.context import Context
from gridbot.governance.deadlines import directive_is_urgent
from gridbot.governance.directive_issue import brief, issuer_group
from gridbot.governance.handlers import handles
from gridbot.governance.history import change, close, create, directive_change, task_change
from gridbot.governance.machines import TASK
from gridbot.governance.permissions import Action
from gridbot.governance.refusals import refuse_directive_status, require
from gridbot.notices.directives import (
    DirectiveCompleted,
    DirectiveNotForGrid,
    DirectiveProgress,
    DirectiveTaskPosted,
    DirectiveTaskProgress,
    TaskAcknowledged,
    TaskAlready,
    TaskDone,
    TaskExtensionApproved,
    TaskExtensionDeclined,
    TaskExtensionRequested,
    TaskExtensionsApproved,
    TaskExtensionsDeclined,
    TaskNeedsResult,
)
from gridbot.notices.flow import (
    ExtendNeedsDuration,
    ExtensionSubmitted,
    NoExtension,
    ProgressNeedsText,
    ProgressRecorded,
)
from gridbot.notices.forms import form
from gridbot.notices.questions import WrongPlace
from gridbot.storage import directive_repo, org_repo
from gridbot.storage.models.directives import (
    TASK_STATUS_LABELS,
    Directive,
    DirectiveStatus,
    DirectiveTask,
    TaskStatus,
)
from gridbot.storage.models.events import Closure, Event, HolderKind, PendingQuestion


def dispatch(ctx: Context, directive: Directive) -> None:
    """The directive goes out: one task (and one grid event, source `directive`) per target grid, each posted in
    its grid group with @ the 专职网格员."""
    assert directive.id is not None
    directive_change(ctx, directive, "dispatch")
    department = org_repo.department(ctx.session, directive.department_id)
    posted = brief(ctx, directive)
    for grid_id in directive.grid_ids:
        grid = org_repo.grid(ctx.session, grid_id)
        event = Event(
            source="directive",
            sector=directive.sector,
            item_code=directive.item_code,
            grid_id=grid_id,
            town_id=org_repo.village(ctx.session, grid.village_id).town_id,
            holder_kind=HolderKind.GRID,
            description=f"【{department.name}指令 {directive.ref}】{directive.title}：{directive.requirements}",
            resolve_due=directive.deadline,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        create(ctx, event, "directive_task", note=directive.ref)
        assert event.id is not None
        task = DirectiveTask(
            directive_id=directive.id,
            grid_id=grid_id,
            event_id=event.id,
            deadline=directive.deadline,
            created_at=ctx.now,
        )
        task_change(ctx, directive, task, "task_created", note=grid.name)
        event.directive_task_id = task.id
        ctx.session.add(event)
        ctx.post(
            lookup.grid_group(ctx.session, grid_id),
            DirectiveTaskPosted(brief=posted, grid=grid.name),
            mentions=lookup.grid_worker_ids(ctx.session, grid_id),
            urgent=directive_is_urgent(directive),
        )


def _task_event(ctx: Context, task: DirectiveTask) -> Event | None:
    return ctx.session.get(Event, task.event_id) if task.event_id is not None else None


def _open_task(ctx: Context, directive: Directive, action: Action, status_word: str, what: str) -> DirectiveTask | None:
    """This grid's task of a dispatched directive, or the reason why not (answered)."""
    if directive.status != DirectiveStatus.DISPATCHED:
        refuse_directive_status(ctx, directive, status_word)
        return None
    if not ctx.place.is_grid or ctx.place.grid_id is None:
        ctx.reply(WrongPlace(action=what, form=form(action.value, directive.ref)))
        return None
    if not require(ctx, action, scopes.of_grid(ctx.session, ctx.place.grid_id), what, ref=directive.ref):
        return None
    assert directive.id is not None
    task = directive_repo.task_for_grid(ctx.session, directive.id, ctx.place.grid_id)
    if task is None:
        ctx.reply(DirectiveNotForGrid(ref=directive.ref))
        return None
    if task.status == TaskStatus.DONE:
        ctx.reply(TaskAlready(ref=directive.ref, status="已完成"))
        return None
    return task


def acknowledge_task(ctx: Context, directive: Directive, task: DirectiveTask) -> None:
    task.acknowledged_at = ctx.now
    task_change(ctx, directive, task, "acknowledge")
    event = _task_event(ctx, task)
    if event is not None:
        change(ctx, event, "task_acknowledged", note=directive.ref)
    ctx.reply(TaskAcknowledged(ref=directive.ref, deadline=task.deadline))


@handles(AcknowledgeTask)
def acknowledge(ctx: Context, command: AcknowledgeTask) -> None:
    directive = command.directive
    task = _open_task(ctx, directive, Action.TASK_ACKNOWLEDGE, "签收", f"签收 {directive.ref}")
    if task is None:
        return
    if not TASK.allows(task, "acknowledge"):
        ctx.reply(TaskAlready(ref=directive.ref, status="已收到"))
        return
    acknowledge_task(ctx, directive, task)


@handles(CompleteTask)
def complete(ctx: Context, command: CompleteTask) -> None:
    directive = command.directive
    task = _open_task(ctx, directive, Action.TASK_COMPLETE, "完成", f"完成 {directive.ref}")
    if task is None:
        return
    assert directive.id is not None
    if not command.result:
        ctx.reply(TaskNeedsResult(ref=directive.ref))
        return
    if task.acknowledged_at is None:
        task.acknowledged_at = ctx.now
    task.done_at, task.result = ctx.now, command.result
    task_change(ctx, directive, task, "complete", note=command.result)
    event = _task_event(ctx, task)
    if event is not None:
        close(ctx, event, "task_done", Closure.SELF, after=command.result)
        # Images sent right after 完成 belong to the task's event, as for reports.
        ctx.session.add(
            PendingQuestion(
                person_id=ctx.actor.id,
                group_id=ctx.place.group_id,
                kind="attach_after",
                event_id=event.id,
                asked_at=ctx.now,
            )
        )
    tasks = directive_repo.tasks_of(ctx.session, directive.id)
    done = sum(1 for t in tasks if t.status == TaskStatus.DONE)
    grid = org_repo.grid(ctx.session, task.grid_id)
    issuer = issuer_group(ctx, directive)
    ctx.reply(TaskDone(ref=directive.ref, done=done, total=len(tasks)))
    ctx.post(
        issuer,
        DirectiveProgress(ref=directive.ref, grid=grid.name, content=command.result, done=done, total=len(tasks)),
    )
    if done == len(tasks):
        directive.completed_at = ctx.now
        directive_change(ctx, directive, "complete_all")
        ctx.post(
            issuer,
            DirectiveCompleted(ref=directive.ref, title=directive.title, lines=progress_lines(ctx, directive.id)),
            mentions=[directive.issuer_id],
        )


@handles(TaskProgress)
def progress(ctx: Context, command: TaskProgress) -> None:
    directive = command.directive
    task = _open_task(ctx, directive, Action.TASK_PROGRESS, "反馈进展", f"反馈 {directive.ref} 进展")
    if task is None:
        return
    if not command.text:
        ctx.reply(ProgressNeedsText(ref=directive.ref))
        return
    task_change(ctx, directive, task, "progress", note=command.text)
    ctx.reply(ProgressRecorded(ref=directive.ref))
    # The issuing department sees the progress (workflow.md §4).
    grid = org_repo.grid(ctx.session, task.grid_id)
    ctx.post(
        issuer_group(ctx, directive), DirectiveTaskProgress(ref=directive.ref, grid=grid.name, content=command.text)
    )


@handles(RequestTaskExtension)
def request_extension(ctx: Context, command: RequestTaskExtension) -> None:
    directive = command.directive
    task = _open_task(ctx, directive, Action.TASK_EXTEND, "申请延期", f"为 {directive.ref} 申请延期")
    if task is None:
        return
    if not command.hours:
        ctx.reply(ExtendNeedsDuration(ref=directive.ref))
        return
    task.extension_requested_hours = command.hours
    task_change(ctx, directive, task, "extension_requested", note=command.reason, hours=command.hours)
    grid = org_repo.grid(ctx.session, task.grid_id)
    ctx.post(
        issuer_group(ctx, directive),
        TaskExtensionRequested(ref=directive.ref, grid=grid.name, hours=command.hours, reason=command.reason),
        mentions=[directive.issuer_id],
    )
    ctx.reply(ExtensionSubmitted(ref=directive.ref, hours=command.hours))


def approve_extensions(ctx: Context, directive: Directive) -> None:
    """通过 D3 by the issuing department approves the open extension requests of its tasks."""
    assert directive.id is not None
    requests = [t for t in directive_repo.tasks_of(ctx.session, directive.id) if t.extension_requested_hours]
    if not requests:
        ctx.reply(NoExtension(ref=directive.ref))
        return
    for task in requests:
        hours = task.extension_requested_hours or 0.0
        task.deadline = (task.deadline or ctx.now) + timedelta(hours=hours)
        task.extension_requested_hours = None
        task_change(ctx, directive, task, "extension_approved", hours=hours)
        grid = org_repo.grid(ctx.session, task.grid_id)
        ctx.post(
            lookup.grid_group(ctx.session, task.grid_id),
            TaskExtensionApproved(ref=directive.ref, grid=grid.name, deadline=task.deadline),
            mentions=lookup.grid_worker_ids(ctx.session, task.grid_id),
        )
        event = _task_event(ctx, task)
        if event is not None:
            change(ctx, event, "extension_approved", resolve_due=task.deadline)
    ctx.reply(TaskExtensionsApproved(ref=directive.ref, count=len(requests)))


@handles(DeclineTaskExtensions)
def decline_extensions(ctx: Context, command: DeclineTaskExtensions) -> None:
    """不同意 D3 by the issuing department: its tasks' open extension requests are refused, each grid told."""
    directive = command.directive
    assert directive.id is not None
    scope = scopes.of_directive(ctx.session, directive)
    if not require(ctx, Action.DIRECTIVE_APPROVE_EXTENSION, scope, f"决定 {directive.ref} 的延期", ref=directive.ref):
        return
    requests = [t for t in directive_repo.tasks_of(ctx.session, directive.id) if t.extension_requested_hours]
    if not requests:
        ctx.reply(NoExtension(ref=directive.ref))
        return
    for task in requests:
        task.extension_requested_hours = None
        task_change(ctx, directive, task, "extension_declined", note=command.reason)
        grid = org_repo.grid(ctx.session, task.grid_id)
        ctx.post(
            lookup.grid_group(ctx.session, task.grid_id),
            TaskExtensionDeclined(ref=directive.ref, grid=grid.name, reason=command.reason),
            mentions=lookup.grid_worker_ids(ctx.session, task.grid_id),
        )
    ctx.reply(TaskExtensionsDeclined(ref=directive.ref, count=len(requests)))


def progress_lines(ctx: Context, directive_id: int) -> list[str]:
    """Each grid's task as one line: 东村第一网格：已完成（已入户宣传45户）."""
    return [
        f"{org_repo.grid(ctx.session, t.grid_id).name}：{TASK_STATUS_LABELS[TaskStatus(t.status)]}"
        + (f"（{t.result}）" if t.result else "")
        for t in directive_repo.tasks_of(ctx.session, directive_id)
    ]
