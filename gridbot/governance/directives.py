"""Department directives (部门指令，网格响应), workflow.md §4: checks, review chain, tasks, responses."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from gridbot.governance import lookup
from gridbot.governance.context import Context
from gridbot.governance.history import change, close, create
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices.directives import (
    DirectiveApprovedIssuer,
    DirectiveApprovedNext,
    DirectiveAutoReturned,
    DirectiveCompleted,
    DirectiveDispatched,
    DirectiveFieldMissing,
    DirectiveForReview,
    DirectiveNotForGrid,
    DirectiveProgress,
    DirectiveReport,
    DirectiveReturned,
    DirectiveReturnNeedsReason,
    DirectiveSubmitted,
    DirectiveTaskPosted,
    DirectiveTaskProgress,
    DirectiveWrongStatus,
    TaskAcknowledged,
    TaskAlready,
    TaskDone,
    TaskExtensionApproved,
    TaskExtensionRequested,
    TaskExtensionsApproved,
    TaskNeedsResult,
    WrongPlaceDirective,
)
from gridbot.notices.flow import (
    ExtendNeedsDuration,
    ExtensionSubmitted,
    NoExtension,
    ProgressNeedsText,
    ProgressRecorded,
)
from gridbot.notices.questions import NoPermission, NotFound, WrongPlace
from gridbot.storage import directive_repo, org_repo
from gridbot.storage.models.directives import (
    DIRECTIVE_STATUS_LABELS,
    Directive,
    DirectiveHistory,
    DirectiveStatus,
    DirectiveTask,
    TaskStatus,
)
from gridbot.storage.models.events import (
    Closure,
    Event,
    HolderKind,
    PendingQuestion,
)
from gridbot.storage.models.org import Department, District, Grid, GroupKind, Role, Town

router = Router("directives")

DIRECTIVE_KINDS = ("隐患排查", "信息采集", "政策宣传", "服务群众", "问题处置")
WHOLE_TOWN = ("全镇", "全街道", "全部网格", "所有网格", "全区")
DIRECTIVE_REF = re.compile(r"^D(\d{1,9})$")
MIN_REQUIREMENT_CHARS = 4
# Stock phrases that say nothing concrete; a requirement made only of them (and filler) is 办理要求不明确.
VAGUE_PHRASES = (
    "按要求办理",
    "按要求执行",
    "按要求落实",
    "按照要求",
    "抓紧落实",
    "认真落实",
    "抓好落实",
    "狠抓落实",
    "落实到位",
    "尽快处理",
    "及时处理",
    "尽快办理",
    "高度重视",
    "引起重视",
    "遵照执行",
    "贯彻执行",
    "切实做好",
    "认真做好",
    "做好相关工作",
    "相关工作",
    "按时完成",
    "加强管理",
    "务必",
    "确保",
)
VAGUE_FILLER = re.compile(r"[请要并且及时认真切实各网格相关工作等和与的了。，,、；;！!．.\s]")


def _vague(requirement: str) -> bool:
    """No concrete requirement: too short, or nothing left once stock phrases and filler words are removed."""
    rest = requirement.strip()
    for phrase in sorted(VAGUE_PHRASES, key=len, reverse=True):
        rest = rest.replace(phrase, "")
    return len(requirement.strip()) < MIN_REQUIREMENT_CHARS or len(VAGUE_FILLER.sub("", rest)) < MIN_REQUIREMENT_CHARS


PERSON_NOTE = re.compile(r"[（(].*?[)）]")


def _record(
    ctx: Context,
    directive: Directive,
    action: str,
    *,
    task: DirectiveTask | None = None,
    to: str | None = None,
    note: str = "",
    **detail: Any,
) -> None:
    assert directive.id is not None
    ctx.session.add(
        DirectiveHistory(
            directive_id=directive.id,
            task_id=task.id if task is not None else None,
            at=ctx.now,
            actor_id=ctx.actor.id if ctx.actor is not None else None,
            action=action,
            from_status=(task.status if task is not None else directive.status),
            to_status=to,
            note=note,
            detail=detail,
        )
    )
    if to is not None:
        if task is not None:
            task.status = to
            ctx.session.add(task)
        else:
            directive.status = to
    directive.updated_at = ctx.now
    ctx.session.add(directive)
    ctx.session.flush()


def _refuse_status(ctx: Context, directive: Directive, action: str) -> None:
    """ "D3 当前状态为已退回，不能审核"."""
    ctx.reply(DirectiveWrongStatus(ref=directive.ref, status=_status_label(directive), action=action))


def _status_label(directive: Directive) -> str:
    return DIRECTIVE_STATUS_LABELS[DirectiveStatus(directive.status)]


def directive_by_ref(ctx: Context, ref: str) -> Directive | None:
    match = DIRECTIVE_REF.match(ref)
    directive = ctx.session.get(Directive, int(match.group(1))) if match else None
    if directive is None:
        ctx.reply(NotFound(ref=ref))
    return directive


# ---- creation and automatic checks ---------------------------------------------------------------------------


def _issuing_department(ctx: Context) -> Department | None:
    if ctx.actor is None or ctx.group is None or ctx.group.kind != GroupKind.DEPARTMENT:
        ctx.reply(WrongPlaceDirective())
        return None
    department_id = ctx.group.department_id
    if department_id is None or not ctx.actor.holds(Role.DEPT_STAFF, department_id=department_id):
        ctx.reply(NoPermission(action="以本部门名义下发指令"))
        return None
    return org_repo.department(ctx.session, department_id)


def _missing_field(intent: Intent) -> str | None:
    """The first field the template needs that is missing or unreadable (the reply says how to write it)."""
    fields = intent.fields
    if not fields.title:
        return "title"
    if not fields.directive_kind:
        return "kind"
    if fields.directive_kind not in DIRECTIVE_KINDS:
        return "kind"
    if not fields.targets:
        return "targets"
    if _deadline_unreadable(intent):
        return "deadline"
    return None


def _deadline_unreadable(intent: Intent) -> bool:
    """A 截止 line was written but no date could be read from it."""
    return intent.fields.deadline is None and bool(re.search(r"(截止|期限|时限)\s*[:：]\s*\S", intent.body))


def _grids_for_targets(
    ctx: Context, department: Department, targets: list[str]
) -> tuple[list[Grid], list[str], list[str]]:
    """The grids the targets name (whole town, villages, grids), the targets that name none, and (for a town
    department) the targets that name grids of another town."""
    grids: dict[int, Grid] = {}
    unknown: list[str] = []
    foreign: list[str] = []
    district_id = department.district_id
    towns_by_name = {t.name: t.id for t in _towns_of_district(ctx, district_id) if t.id is not None}
    for target in targets:
        name = target.strip()
        named: list[Grid]
        town_named = next((towns_by_name[n] for n in _town_names(name) if n in towns_by_name), None)
        if town_named is not None:  # 永乐镇 / 永乐镇全镇: every grid of that town
            grids.update({g.id: g for g in org_repo.grids_of_town(ctx.session, town_named) if g.id})
            continue
        if name in WHOLE_TOWN:
            towns = (
                [department.town_id]
                if department.town_id is not None
                else [t.id for t in _towns_of_district(ctx, district_id)]
            )
            for town_id in towns:
                if town_id is not None:
                    grids.update({g.id: g for g in org_repo.grids_of_town(ctx.session, town_id) if g.id})
            continue
        grid = org_repo.grid_by_name(ctx.session, name)
        village = org_repo.village_by_name(ctx.session, name)
        if grid is not None:
            named = [grid]
        elif village is not None and village.id is not None:
            named = list(org_repo.grids_of_village(ctx.session, village.id))
        else:
            unknown.append(name)
            continue
        if department.town_id is not None and any(_town_of_grid(ctx, g) != department.town_id for g in named):
            foreign.append(name)
            continue
        grids.update({g.id: g for g in named if g.id is not None})
    return sorted(grids.values(), key=lambda g: g.id or 0), unknown, foreign


def _town_names(target: str) -> tuple[str, ...]:
    """The town names a target may mean: itself, or with 全镇/全街道 taken off (永乐镇全镇, 永乐全镇)."""
    for suffix in ("全镇", "全街道", "全域"):
        if target.endswith(suffix) and len(target) > len(suffix):
            base = target[: -len(suffix)]
            return (target, base, f"{base}镇", f"{base}街道")
    return (target,)


def _towns_of_district(ctx: Context, district_id: int) -> list[Town]:
    return org_repo.towns_of_district(ctx.session, district_id)


def _town_of_grid(ctx: Context, grid: Grid) -> int:
    return org_repo.village(ctx.session, grid.village_id).town_id


def _person_in_grids(ctx: Context, text: str, grid_ids: set[int]) -> bool:
    """A person concerned must live (resident) or work (a role) in one of the target grids."""
    name = PERSON_NOTE.sub("", text).strip()
    if not name:
        return True
    for grid_id in grid_ids:
        if any(r.name == name for r in org_repo.residents_of_grid(ctx.session, grid_id)):
            return True
    person = org_repo.person_by_name(ctx.session, name)
    if person is None or person.id is None:
        return False
    villages = {org_repo.grid(ctx.session, g).village_id for g in grid_ids}
    for role in org_repo.current_roles(ctx.session, person.id):
        if role.grid_id in grid_ids or role.village_id in villages:
            return True
    return False


def _automatic_return_reason(ctx: Context, directive: Directive, unknown: list[str], foreign: list[str]) -> str | None:
    if directive.sector is None:
        return "不属于入格事项范围"
    if unknown:
        return f"网格不存在：{'、'.join(unknown)}"
    if foreign:
        return f"网格不在本镇：{'、'.join(foreign)}"
    if not directive.grid_ids:
        return "没有可下发的网格"
    requirement = directive.requirements.strip()
    if _vague(requirement):
        return "办理要求不明确"
    if directive.deadline is None or directive.deadline <= ctx.now:
        return "时限不明确"
    outside = [p for p in directive.persons if not _person_in_grids(ctx, p, set(directive.grid_ids))]
    if outside:
        return f"涉及人员不在网格内（{'、'.join(PERSON_NOTE.sub('', p) for p in outside)}）"
    return None


def _review_chain(ctx: Context, department: Department, grids: list[Grid]) -> list[str]:
    """Town department: its town center. District department: the district center, then each town concerned."""
    if department.level == "town" and department.town_id is not None:
        return [f"town:{department.town_id}"]
    towns = sorted({_town_of_grid(ctx, g) for g in grids})
    return [f"district:{department.district_id}", *(f"town:{t}" for t in towns)]


def _center(ctx: Context, key: str) -> tuple[str, Any]:
    kind, raw = key.split(":")
    if kind == "town":
        town = org_repo.town(ctx.session, int(raw))
        return town.name, org_repo.group_of(ctx.session, GroupKind.TOWN_CENTER, town_id=int(raw))
    district = ctx.session.get(District, int(raw))
    assert district is not None
    return district.name, org_repo.group_of(ctx.session, GroupKind.DISTRICT_CENTER, district_id=int(raw))


@router.handles(IntentKind.DIRECTIVE)
def issue(ctx: Context, intent: Intent) -> None:
    department = _issuing_department(ctx)
    if department is None or department.id is None or ctx.actor is None:
        return
    missing = _missing_field(intent)
    if missing is not None:
        ctx.reply(DirectiveFieldMissing(field=missing, kinds=DIRECTIVE_KINDS))
        return
    fields = intent.fields
    targets = list(fields.targets)
    grids, unknown, foreign = _grids_for_targets(ctx, department, targets)
    # The content must be an item of the catalog: a weak guess from loose words (below the threshold at which a
    # report would ask for its category) does not make it one.
    in_catalog = intent.sector is not None and intent.confidence >= ctx.settings.category_confidence_threshold
    directive = Directive(
        department_id=department.id,
        issuer_id=ctx.actor.id,
        inbox_message_id=ctx.message.id if ctx.message else None,
        title=fields.title or "",
        sector=intent.sector if in_catalog else None,
        item_code=intent.item if in_catalog else None,
        kind=fields.directive_kind,
        targets=targets,
        grid_ids=[g.id for g in grids if g.id is not None],
        requirements=fields.requirements or "",
        deadline=fields.deadline,
        persons=list(fields.persons),
        review_chain=_review_chain(ctx, department, grids),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(directive)
    ctx.session.flush()
    _record(ctx, directive, "create", note=directive.title)
    reason = _automatic_return_reason(ctx, directive, unknown, foreign)
    if reason is not None:
        directive.return_reason = reason
        _record(ctx, directive, "auto_return", to=DirectiveStatus.RETURNED, note=reason)
        ctx.reply(DirectiveAutoReturned(ref=directive.ref, reason=reason))
        return
    center_name, center_group = _center(ctx, directive.review_chain[0])
    ctx.post(center_group, DirectiveForReview(**_params(ctx, directive, department.name)))
    ctx.reply(DirectiveSubmitted(ref=directive.ref, center=center_name, grids=len(directive.grid_ids)))


def _params(ctx: Context, directive: Directive, department: str) -> dict[str, Any]:
    return {
        "ref": directive.ref,
        "department": department,
        "title": directive.title,
        "sector": directive.sector or "",
        "kind": directive.kind or "",
        "targets": "、".join(directive.targets),
        "grids": len(directive.grid_ids),
        "requirements": directive.requirements,
        "deadline": directive.deadline,
    }


# ---- review -----------------------------------------------------------------------------------------------------


def _current_reviewer_is(ctx: Context, directive: Directive) -> bool:
    if ctx.actor is None or not directive.review_chain:
        return False
    position = len(directive.reviewers)
    if position >= len(directive.review_chain):
        return False
    kind, raw = directive.review_chain[position].split(":")
    scope = {"town_id": int(raw)} if kind == "town" else {"district_id": int(raw)}
    return ctx.actor.holds(Role.SEAT, **scope)


def _may_approve(ctx: Context, directive: Directive) -> bool:
    """通过 D3 is for seats (review) and for the issuing department (extensions of its tasks)."""
    if ctx.actor is None:
        return False
    is_seat = any(a.role == Role.SEAT.value for a in ctx.actor.roles)
    return is_seat or ctx.actor.holds(Role.DEPT_STAFF, department_id=directive.department_id)


def approve(ctx: Context, ref: str) -> None:
    directive = directive_by_ref(ctx, ref)
    if directive is None:
        return
    if not _may_approve(ctx, directive):
        ctx.reply(NoPermission(action=f"审核 {directive.ref}"))
        return
    if directive.status == DirectiveStatus.DISPATCHED and _approve_extension(ctx, directive):
        return
    if directive.status != DirectiveStatus.PENDING_REVIEW:
        _refuse_status(ctx, directive, "审核")
        return
    center_name, _ = _center(ctx, directive.review_chain[len(directive.reviewers)])
    if not _current_reviewer_is(ctx, directive):
        ctx.reply(NoPermission(action=f"审核 {directive.ref}（应由{center_name}网格中心审核）"))
        return
    directive.reviewers = [*directive.reviewers, center_name]
    _record(ctx, directive, "approve", note=center_name)
    department = org_repo.department(ctx.session, directive.department_id)
    issuer_group = lookup.department_group(ctx.session, directive.department_id)
    if len(directive.reviewers) < len(directive.review_chain):
        next_name, next_group = _center(ctx, directive.review_chain[len(directive.reviewers)])
        ctx.post(next_group, DirectiveForReview(**_params(ctx, directive, department.name)))
        ctx.reply(DirectiveApprovedNext(ref=directive.ref, center=center_name, next_center=next_name))
        ctx.post(
            issuer_group,
            DirectiveApprovedNext(ref=directive.ref, center=center_name, next_center=next_name),
            mentions=[directive.issuer_id],
        )
        return
    _dispatch(ctx, directive, department)
    ctx.reply(DirectiveDispatched(ref=directive.ref, grids=len(directive.grid_ids)))
    ctx.post(
        issuer_group,
        DirectiveApprovedIssuer(ref=directive.ref, center=center_name, grids=len(directive.grid_ids)),
        mentions=[directive.issuer_id],
    )


def return_directive(ctx: Context, ref: str, reason: str) -> None:
    directive = directive_by_ref(ctx, ref)
    if directive is None:
        return
    if directive.status != DirectiveStatus.PENDING_REVIEW:
        _refuse_status(ctx, directive, "退回")
        return
    if not _current_reviewer_is(ctx, directive):
        ctx.reply(NoPermission(action=f"退回 {directive.ref}"))
        return
    if not reason:
        ctx.reply(DirectiveReturnNeedsReason(ref=directive.ref))
        return
    center_name, _ = _center(ctx, directive.review_chain[len(directive.reviewers)])
    directive.return_reason = reason
    _record(ctx, directive, "return", to=DirectiveStatus.RETURNED, note=reason)
    ctx.reply(DirectiveReturned(ref=directive.ref, center=center_name, reason=reason))
    ctx.post(
        lookup.department_group(ctx.session, directive.department_id),
        DirectiveReturned(ref=directive.ref, center=center_name, reason=reason),
        mentions=[directive.issuer_id],
    )


# ---- dispatch: one task (and one grid event) per target grid ------------------------------------------------


def _dispatch(ctx: Context, directive: Directive, department: Department) -> None:
    assert directive.id is not None
    _record(ctx, directive, "dispatch", to=DirectiveStatus.DISPATCHED)
    for grid_id in directive.grid_ids:
        grid = org_repo.grid(ctx.session, grid_id)
        town_id = org_repo.village(ctx.session, grid.village_id).town_id
        event = Event(
            source="directive",
            sector=directive.sector,
            item_code=directive.item_code,
            grid_id=grid_id,
            town_id=town_id,
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
        ctx.session.add(task)
        ctx.session.flush()
        event.directive_task_id = task.id
        ctx.session.add(event)
        _record(ctx, directive, "task_created", task=task, note=grid.name)
        ctx.post(
            lookup.grid_group(ctx.session, grid_id),
            DirectiveTaskPosted(grid=grid.name, **_params(ctx, directive, department.name)),
            mentions=lookup.grid_worker_ids(ctx.session, grid_id),
        )


# ---- the grid's response ---------------------------------------------------------------------------------------


def _task_for(ctx: Context, directive: Directive, action: str) -> DirectiveTask | None:
    """The task of the grid the message comes from (grid workers and grid forces of that grid only)."""
    if ctx.group is None or ctx.group.grid_id is None or ctx.group.kind != GroupKind.GRID:
        ctx.reply(WrongPlace(action=action))
        return None
    if not lookup.is_grid_force(ctx, ctx.group.grid_id):
        ctx.reply(NoPermission(action=action))
        return None
    assert directive.id is not None
    task = directive_repo.task_for_grid(ctx.session, directive.id, ctx.group.grid_id)
    if task is None:
        ctx.reply(DirectiveNotForGrid(ref=directive.ref))
    return task


def waiting_tasks(ctx: Context) -> list[DirectiveTask]:
    """Tasks waiting for this person's acknowledgement in this grid group."""
    if ctx.actor is None or ctx.group is None or ctx.group.grid_id is None:
        return []
    if not ctx.actor.holds(Role.GRID_WORKER, grid_id=ctx.group.grid_id):
        return []
    return directive_repo.tasks_waiting_in_grid(ctx.session, ctx.group.grid_id)


def acknowledge_task(ctx: Context, task: DirectiveTask) -> None:
    directive = ctx.session.get(Directive, task.directive_id)
    assert directive is not None
    task.acknowledged_at = ctx.now
    _record(ctx, directive, "acknowledge", task=task, to=TaskStatus.ACKNOWLEDGED)
    if task.event_id is not None:
        event = ctx.session.get(Event, task.event_id)
        if event is not None:
            change(ctx, event, "task_acknowledged", note=directive.ref)
    ctx.reply(TaskAcknowledged(ref=directive.ref, deadline=task.deadline))


def _open_task(
    ctx: Context, ref: str, action: str, permission: str, *, allow_done: bool = False
) -> tuple[Directive, DirectiveTask] | None:
    """The dispatched directive and this grid's task, or the reason why not (answered)."""
    directive = directive_by_ref(ctx, ref)
    if directive is None:
        return None
    if directive.status != DirectiveStatus.DISPATCHED:
        _refuse_status(ctx, directive, action)
        return None
    task = _task_for(ctx, directive, permission.format(ref=directive.ref))
    if task is None:
        return None
    if task.status == TaskStatus.DONE and not allow_done:
        ctx.reply(TaskAlready(ref=directive.ref, status="已完成"))
        return None
    return directive, task


def acknowledge(ctx: Context, ref: str) -> None:
    found = _open_task(ctx, ref, "签收", "签收 {ref}")
    if found is None:
        return
    directive, task = found
    if task.status != TaskStatus.DISPATCHED:
        ctx.reply(TaskAlready(ref=directive.ref, status="已收到"))
        return
    acknowledge_task(ctx, task)


def complete(ctx: Context, ref: str, text: str) -> None:
    found = _open_task(ctx, ref, "完成", "完成 {ref}")
    if found is None:
        return
    directive, task = found
    assert directive.id is not None
    if not text:
        ctx.reply(TaskNeedsResult(ref=directive.ref))
        return
    if task.acknowledged_at is None:
        task.acknowledged_at = ctx.now
    task.done_at, task.result = ctx.now, text
    _record(ctx, directive, "complete", task=task, to=TaskStatus.DONE, note=text)
    if task.event_id is not None:
        event = ctx.session.get(Event, task.event_id)
        if event is not None:
            close(ctx, event, "task_done", Closure.SELF, after=text)
            if ctx.actor is not None:
                # Images sent right after 完成 belong to the task's event, as for reports.
                ctx.session.add(
                    PendingQuestion(
                        person_id=ctx.actor.id,
                        group_id=ctx.group.id if ctx.group else None,
                        kind="attach_after",
                        event_id=event.id,
                        asked_at=ctx.now,
                    )
                )
    tasks = _tasks(ctx, directive.id)
    done = sum(1 for t in tasks if t.status == TaskStatus.DONE)
    grid = org_repo.grid(ctx.session, task.grid_id)
    issuer_group = lookup.department_group(ctx.session, directive.department_id)
    ctx.reply(TaskDone(ref=directive.ref, done=done, total=len(tasks)))
    ctx.post(
        issuer_group, DirectiveProgress(ref=directive.ref, grid=grid.name, content=text, done=done, total=len(tasks))
    )
    if done == len(tasks):
        directive.completed_at = ctx.now
        _record(ctx, directive, "complete_all", to=DirectiveStatus.COMPLETED)
        ctx.post(
            issuer_group,
            DirectiveCompleted(ref=directive.ref, title=directive.title, lines=_progress_lines(ctx, directive.id)),
            mentions=[directive.issuer_id],
        )


def progress(ctx: Context, ref: str, text: str) -> None:
    found = _open_task(ctx, ref, "反馈进展", "反馈 {ref} 进展")
    if found is None:
        return
    directive, task = found
    if not text:
        ctx.reply(ProgressNeedsText(ref=directive.ref))
        return
    _record(ctx, directive, "progress", task=task, note=text)
    ctx.reply(ProgressRecorded(ref=directive.ref))
    # The issuing department sees the progress (workflow.md §4).
    grid = org_repo.grid(ctx.session, task.grid_id)
    ctx.post(
        lookup.department_group(ctx.session, directive.department_id),
        DirectiveTaskProgress(ref=directive.ref, grid=grid.name, content=text),
    )


def request_extension(ctx: Context, ref: str, hours: float | None, reason: str) -> None:
    found = _open_task(ctx, ref, "申请延期", "为 {ref} 申请延期")
    if found is None:
        return
    directive, task = found
    if not hours:
        ctx.reply(ExtendNeedsDuration(ref=directive.ref))
        return
    task.extension_requested_hours = hours
    _record(ctx, directive, "extension_requested", task=task, note=reason, hours=hours)
    grid = org_repo.grid(ctx.session, task.grid_id)
    ctx.post(
        lookup.department_group(ctx.session, directive.department_id),
        TaskExtensionRequested(ref=directive.ref, grid=grid.name, hours=hours, reason=reason),
        mentions=[directive.issuer_id],
    )
    ctx.reply(ExtensionSubmitted(ref=directive.ref, hours=hours))


def _approve_extension(ctx: Context, directive: Directive) -> bool:
    """通过 D3 by the issuing department approves the open extension requests of its tasks."""
    if ctx.actor is None or not ctx.actor.holds(Role.DEPT_STAFF, department_id=directive.department_id):
        return False
    assert directive.id is not None
    requests = [t for t in _tasks(ctx, directive.id) if t.extension_requested_hours]
    if not requests:
        ctx.reply(NoExtension(ref=directive.ref))
        return True
    for task in requests:
        hours = task.extension_requested_hours or 0.0
        task.deadline = (task.deadline or ctx.now) + timedelta(hours=hours)
        task.extension_requested_hours = None
        _record(ctx, directive, "extension_approved", task=task, hours=hours)
        grid = org_repo.grid(ctx.session, task.grid_id)
        ctx.post(
            lookup.grid_group(ctx.session, task.grid_id),
            TaskExtensionApproved(ref=directive.ref, grid=grid.name, deadline=task.deadline),
            mentions=lookup.grid_worker_ids(ctx.session, task.grid_id),
        )
        if task.event_id is not None:
            event = ctx.session.get(Event, task.event_id)
            if event is not None:
                change(ctx, event, "extension_approved", resolve_due=task.deadline)
    ctx.reply(TaskExtensionsApproved(ref=directive.ref, count=len(requests)))
    return True


# ---- queries ------------------------------------------------------------------------------------------------------


def _tasks(ctx: Context, directive_id: int) -> list[DirectiveTask]:
    return directive_repo.tasks_of(ctx.session, directive_id)


TASK_LABELS = {TaskStatus.DISPATCHED: "未收到", TaskStatus.ACKNOWLEDGED: "已收到", TaskStatus.DONE: "已完成"}


def _progress_lines(ctx: Context, directive_id: int) -> list[str]:
    return [
        f"{org_repo.grid(ctx.session, t.grid_id).name}：{TASK_LABELS[TaskStatus(t.status)]}"
        + (f"（{t.result}）" if t.result else "")
        for t in _tasks(ctx, directive_id)
    ]


def query(ctx: Context, ref: str) -> None:
    directive = directive_by_ref(ctx, ref)
    if directive is None or directive.id is None:
        return
    department = org_repo.department(ctx.session, directive.department_id)
    ctx.reply(
        DirectiveReport(
            status=_status_label(directive),
            reviewers=directive.reviewers,
            return_reason=directive.return_reason or "",
            lines=_progress_lines(ctx, directive.id),
            **_params(ctx, directive, department.name),
        )
    )


def todo_lines(ctx: Context) -> list[str]:
    """Open directive tasks of the asker's grids (for 待办)."""
    if ctx.actor is None:
        return []
    grid_ids = ctx.actor.scopes(Role.GRID_WORKER, "grid_id") | ctx.actor.scopes(Role.PART_TIME, "grid_id")
    if not grid_ids:
        return []
    tasks = directive_repo.open_tasks_of_grids(ctx.session, grid_ids)
    lines = []
    for task in tasks:
        directive = ctx.session.get(Directive, task.directive_id)
        if directive is not None:
            lines.append(f"{directive.ref} {directive.title}（{TASK_LABELS[TaskStatus(task.status)]}）")
    return lines
