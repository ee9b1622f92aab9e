"""The three-level flow (workflow.md §3): center queue, dispatch, accept, return, resolve, verify, level 3."""

from __future__ import annotations

from typing import Any

from gridbot.governance import directives, lookup
from gridbot.governance.context import Context
from gridbot.governance.deadlines import add_hours
from gridbot.governance.history import change, close
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices.flow import (
    Accepted,
    AcceptedCoordination,
    ClosedCoordination,
    ClosedPosted,
    ClosedSelf,
    CoordinationNotClosing,
    DepartmentNeeded,
    DepartmentUnknown,
    Dispatched,
    DispatchedToDepartment,
    DistrictNeedsReason,
    Escalated,
    EscalatedDistrict,
    ExtendNeedsDuration,
    ExtensionApproved,
    ExtensionRequested,
    ExtensionSubmitted,
    NoExtension,
    NotAWarning,
    PendingCenter,
    PendingDistrict,
    ProgressNeedsText,
    ProgressPosted,
    ProgressRecorded,
    Resolved,
    ResolvedForCheck,
    ResolveNeedsText,
    Returned,
    ReturnedToCenter,
    ReturnNeedsReason,
    VerifiedClosed,
    VerifyFailed,
    VerifyNeedsVerdict,
    WarningAlreadyVerified,
    WarningVerified,
)
from gridbot.notices.questions import NoPermission, WrongStatus
from gridbot.storage import org_repo
from gridbot.storage.models.events import STATUS_LABELS, Closure, Event, EventStatus, HolderKind
from gridbot.storage.models.org import Department, Role

router = Router("flow")

DISTRICT_REASONS = ("预警情报", "信访矛盾超出本镇", "办理权限超出本镇")
DEFAULT_ACCEPT_HOURS = 2.0
DEFAULT_RESOLVE_HOURS = 72.0


def refuse_status(ctx: Context, event: Event, action: str) -> None:
    """ "E12 当前状态为已办结，不能签收"."""
    ctx.reply(WrongStatus(ref=event.ref, status=STATUS_LABELS[event.status], action=action))


def reason_of(intent: Intent) -> str:
    """The free text after the verdict or duration ("核查 E12 不通过 现场仍有积水" → "现场仍有积水")."""
    if intent.fields.reason:
        return intent.fields.reason.strip()
    body = intent.body.strip()
    verdict = intent.fields.verdict
    if verdict and body.startswith(verdict):
        body = body[len(verdict) :]
    return body.strip(" ，,。：:")


def _event_params(ctx: Context, event: Event) -> dict[str, Any]:
    grid = org_repo.grid(ctx.session, event.grid_id)
    return {
        "ref": event.ref,
        "grid": grid.name,
        "sector": event.sector or "待分类",
        "location": event.location or "",
        "description": event.description,
    }


def send_to_center(ctx: Context, event: Event, *, note: str) -> None:
    """Level 1 → level 2: into the town center's queue, and the center group is told."""
    change(
        ctx,
        event,
        "escalate",
        status=EventStatus.PENDING,
        level=2,
        holder_kind=HolderKind.TOWN_CENTER,
        note=note,
    )
    ctx.post(
        lookup.town_center_group(ctx.session, event.town_id), PendingCenter(reason=note, **_event_params(ctx, event))
    )


@router.handles(IntentKind.ESCALATE)
def escalate(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    if not lookup.is_grid_force(ctx, event.grid_id):
        ctx.reply(NoPermission(action=f"把 {event.ref} 上报中心"))
        return
    if event.status != EventStatus.OPEN or event.level != 1:
        refuse_status(ctx, event, "上报中心")
        return
    send_to_center(ctx, event, note=intent.body)
    ctx.reply(Escalated(ref=event.ref, center=org_repo.town(ctx.session, event.town_id).name))


def _level_departments(ctx: Context, event: Event, level: int) -> list[Department]:
    district = org_repo.district_of_town(ctx.session, event.town_id)
    assert district.id is not None
    kind = "district" if level >= 3 else "town"
    return org_repo.departments(ctx.session, level=kind, town_id=event.town_id, district_id=district.id)


def _choose_department(ctx: Context, event: Event, named: str | None, level: int) -> Department | None:
    """The named department of that level, else the catalog's (the org's sector/item mapping)."""
    allowed = _level_departments(ctx, event, level)
    names = [d.name for d in allowed]
    if named:
        for department in allowed:
            if department.name == named or (len(named) >= 2 and named in department.name):
                return department
        ctx.reply(DepartmentUnknown(name=named, choices=names))
        return None
    district = org_repo.district_of_town(ctx.session, event.town_id)
    assert district.id is not None
    handling = org_repo.departments_handling(
        ctx.session,
        sector=event.sector,
        item_code=event.item_code,
        level="district" if level >= 3 else "town",
        town_id=event.town_id,
        district_id=district.id,
    )
    if handling:
        return handling[0]
    ctx.reply(DepartmentNeeded(ref=event.ref, choices=names))
    return None


@router.handles(IntentKind.DISPATCH)
def dispatch(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    # A warning waits in both center queues at once (workflow §3): the district center may take it up itself.
    district_takes_warning = (
        event.warning
        and event.level == 2
        and event.status == EventStatus.PENDING
        and lookup.is_district_seat(ctx, event)
    )
    if not (lookup.is_seat_for(ctx, event) or district_takes_warning):
        ctx.reply(NoPermission(action=f"给 {event.ref} 派单"))
        return
    if event.status != EventStatus.PENDING:
        refuse_status(ctx, event, "派单")
        return
    level = 3 if district_takes_warning else event.level
    department = _choose_department(ctx, event, intent.fields.department, level)
    if department is None or department.id is None:
        return
    item = lookup.item_of(ctx, event)
    accept_hours = item.accept_hours if item else DEFAULT_ACCEPT_HOURS
    working = item.working_days if item else False
    accept_due = add_hours(ctx.now, accept_hours, working_days=working)
    change(
        ctx,
        event,
        "dispatch",
        status=EventStatus.DISPATCHED,
        holder_kind=HolderKind.DEPARTMENT,
        department_id=department.id,
        level=level,
        accept_due=accept_due,
        resolve_due=None,
        note=department.name,
    )
    staff = lookup.department_staff_ids(ctx.session, department.id)
    ctx.post(
        lookup.department_group(ctx.session, department.id),
        DispatchedToDepartment(
            department=department.name,
            accept_due=accept_due,
            note=_after_reference(intent, department.name),
            **_event_params(ctx, event),
        ),
        mentions=staff,
    )
    ctx.reply(Dispatched(ref=event.ref, department=department.name, accept_due=accept_due))


def _after_reference(intent: Intent, department: str) -> str:
    """What the seat wrote after the department's name (instructions such as 请今天内到现场)."""
    body = intent.body
    index = body.find(department)
    rest = body[index + len(department) :] if index >= 0 else ""
    return rest.strip(" ，,。")


def _department_may_act(ctx: Context, event: Event, action: str, what: str) -> bool:
    """Only the department holding the event acts on it. Department staff acting on an event that no department
    holds yet are told its status (it has not been dispatched to them); anyone else is refused."""
    if lookup.is_department_member(ctx, event.department_id):
        return True
    if event.department_id is None and lookup.acts_for_a_department_here(ctx):
        refuse_status(ctx, event, action)
    else:
        ctx.reply(NoPermission(action=what))
    return False


def accept_event(ctx: Context, event: Event) -> None:
    """签收: the department takes the event; coordination items close as they enter coordination."""
    item = lookup.item_of(ctx, event)
    resolve_hours = item.resolve_hours if item else DEFAULT_RESOLVE_HOURS
    resolve_due = add_hours(ctx.now, resolve_hours, working_days=item.working_days if item else False)
    change(ctx, event, "accept", status=EventStatus.ACCEPTED, resolve_due=resolve_due)
    department = org_repo.department(ctx.session, event.department_id) if event.department_id else None
    if lookup.closes_on_coordination(ctx, event):
        close(ctx, event, "coordination", Closure.COORDINATION)
        ctx.reply(AcceptedCoordination(ref=event.ref))
        ctx.post(
            lookup.grid_group(ctx.session, event.grid_id),
            ClosedCoordination(ref=event.ref, department=department.name if department else ""),
        )
        return
    ctx.reply(Accepted(ref=event.ref, resolve_due=resolve_due))
    ctx.post(
        lookup.grid_group(ctx.session, event.grid_id),
        ProgressPosted(ref=event.ref, who=department.name if department else "", content="已签收，正在办理"),
    )


def accept_reference(ctx: Context, ref: str) -> None:
    event = lookup.event_by_ref(ctx, ref)
    if event is None:
        return
    if not _department_may_act(ctx, event, "签收", f"签收 {event.ref}"):
        return
    if event.status != EventStatus.DISPATCHED:
        refuse_status(ctx, event, "签收")
        return
    accept_event(ctx, event)


@router.handles(IntentKind.RETURN)
def return_event(ctx: Context, intent: Intent) -> None:
    if intent.ref is not None and intent.ref.startswith("D"):
        directives.return_directive(ctx, intent.ref, intent.fields.reason or intent.body)
        return
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None:
        return
    if not _department_may_act(ctx, event, "退回", f"退回 {event.ref}"):
        return
    if event.status not in (EventStatus.DISPATCHED, EventStatus.ACCEPTED):
        refuse_status(ctx, event, "退回")
        return
    reason = intent.fields.reason or intent.body
    if not reason:
        ctx.reply(ReturnNeedsReason(ref=event.ref))
        return
    department = org_repo.department(ctx.session, event.department_id) if event.department_id else None
    holder = HolderKind.DISTRICT_CENTER if event.level >= 3 else HolderKind.TOWN_CENTER
    change(
        ctx,
        event,
        "return",
        status=EventStatus.PENDING,
        holder_kind=holder,
        department_id=None,
        returns=event.returns + 1,
        accept_due=None,
        resolve_due=None,
        note=reason,
    )
    ctx.post(
        lookup.center_group_of(ctx.session, event),
        ReturnedToCenter(
            ref=event.ref, department=department.name if department else "", reason=reason, returns=event.returns
        ),
    )
    ctx.reply(Returned(ref=event.ref))


@router.handles(IntentKind.PROGRESS)
def progress(ctx: Context, intent: Intent) -> None:
    if intent.ref is not None and intent.ref.startswith("D"):
        directives.progress(ctx, intent.ref, intent.body)
        return
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    allowed = (
        lookup.is_department_member(ctx, event.department_id)
        or lookup.is_grid_force(ctx, event.grid_id)
        or lookup.is_seat_of_town_or_district(ctx, event)
    )
    if not allowed:
        ctx.reply(NoPermission(action=f"反馈 {event.ref} 的进展"))
        return
    if event.status in (EventStatus.CLOSED, EventStatus.WITHDRAWN, EventStatus.DELETED):
        refuse_status(ctx, event, "反馈进展")
        return
    if not intent.body:
        ctx.reply(ProgressNeedsText(ref=event.ref))
        return
    change(ctx, event, "progress", note=intent.body)
    ctx.reply(ProgressRecorded(ref=event.ref))
    ctx.post(
        lookup.grid_group(ctx.session, event.grid_id),
        ProgressPosted(ref=event.ref, who=ctx.actor.person.name, content=intent.body),
    )


def _after_text(intent: Intent) -> str:
    return (intent.fields.after or intent.body).strip()


@router.handles(IntentKind.COORDINATE)
def coordinate(ctx: Context, intent: Intent) -> None:
    """协调 E12 at level 1: coordination items close as they enter coordination."""
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    if event.level == 1:
        if not lookup.is_grid_force(ctx, event.grid_id):
            ctx.reply(NoPermission(action=f"协调 {event.ref}"))
            return
        if event.status != EventStatus.OPEN:
            refuse_status(ctx, event, "进入协调")
            return
        if not lookup.closes_on_coordination(ctx, event):
            change(ctx, event, "progress", note=intent.body or "协调中")
            ctx.reply(CoordinationNotClosing(ref=event.ref))
            return
        close(ctx, event, "coordination", Closure.COORDINATION, note=intent.body)
        ctx.reply(ClosedCoordination(ref=event.ref, department=""))
        return
    progress(ctx, intent)


@router.handles(IntentKind.RESOLVE)
def resolve(ctx: Context, intent: Intent) -> None:
    if intent.ref is not None and intent.ref.startswith("D"):
        directives.complete(ctx, intent.ref, _after_text(intent))
        return
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    if event.level == 1 and event.holder_kind == HolderKind.GRID:
        _resolve_in_grid(ctx, event, intent)
        return
    if not _department_may_act(ctx, event, "办结", f"办结 {event.ref}"):
        return
    if event.status != EventStatus.ACCEPTED:
        refuse_status(ctx, event, "办结")
        return
    text = _after_text(intent)
    if not text:
        ctx.reply(ResolveNeedsText(ref=event.ref))
        return
    change(ctx, event, "resolve", status=EventStatus.RESOLVED, after=text, note=text)
    department = org_repo.department(ctx.session, event.department_id) if event.department_id else None
    ctx.post(
        lookup.center_group_of(ctx.session, event),
        ResolvedForCheck(ref=event.ref, department=department.name if department else "", content=text),
    )
    ctx.reply(Resolved(ref=event.ref))


def _resolve_in_grid(ctx: Context, event: Event, intent: Intent) -> None:
    """办结 E12 by the grid: closes an open level-1 event (closure self); the 处置后 text is required."""
    assert ctx.actor is not None
    if not lookup.is_grid_worker_of(ctx, event.grid_id):
        # 小事不出网格 runs through the 专职网格员: only they close a level-1 event with 办结 (workflow §3).
        ctx.reply(NoPermission(action=f"办结 {event.ref}（一级事件由本网格专职网格员办结）"))
        return
    if event.status != EventStatus.OPEN:
        refuse_status(ctx, event, "办结")
        return
    text = _after_text(intent)
    if not text:
        ctx.reply(ResolveNeedsText(ref=event.ref))
        return
    close(ctx, event, "self_resolve", Closure.SELF, after=text)
    ctx.reply(ClosedSelf(ref=event.ref))


@router.handles(IntentKind.VERIFY)
def verify(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None:
        return
    verdict = intent.fields.verdict
    if verdict in ("属实", "不属实"):
        _verify_warning(ctx, event, verdict)
        return
    if not lookup.is_seat_for(ctx, event):
        ctx.reply(NoPermission(action=f"核查 {event.ref}"))
        return
    if verdict not in ("通过", "不通过"):
        ctx.reply(VerifyNeedsVerdict(ref=event.ref))
        return
    if event.status != EventStatus.RESOLVED:
        refuse_status(ctx, event, "核查")
        return
    department_group = lookup.department_group(ctx.session, event.department_id) if event.department_id else None
    if verdict == "通过":
        close(ctx, event, "verify_pass", Closure.RESOLUTION)
        ctx.reply(VerifiedClosed(ref=event.ref))
        ctx.post(lookup.grid_group(ctx.session, event.grid_id), ClosedPosted(ref=event.ref, content=event.after or ""))
        ctx.post(department_group, VerifiedClosed(ref=event.ref))
        return
    reason = reason_of(intent) or "核查未通过"
    change(ctx, event, "verify_fail", status=EventStatus.ACCEPTED, note=reason)
    ctx.reply(VerifyFailed(ref=event.ref, reason=reason))
    staff = lookup.department_staff_ids(ctx.session, event.department_id) if event.department_id else []
    ctx.post(department_group, VerifyFailed(ref=event.ref, reason=reason), mentions=staff)


def _verify_warning(ctx: Context, event: Event, verdict: str) -> None:
    if not lookup.is_seat_of_town_or_district(ctx, event):
        ctx.reply(NoPermission(action=f"核实 {event.ref}"))
        return
    if not event.warning:
        ctx.reply(NotAWarning(ref=event.ref))
        return
    if event.warning_truth is not None:
        ctx.reply(WarningAlreadyVerified(ref=event.ref, verdict=event.warning_truth))
        return
    if verdict == "属实":
        change(ctx, event, "warning_true", warning_truth=verdict)
    else:
        close(ctx, event, "warning_false", Closure.UNFOUNDED, warning_truth=verdict)
    ctx.reply(WarningVerified(ref=event.ref, verdict=verdict))
    other = (
        lookup.district_center_group(ctx.session, event.town_id)
        if ctx.group is not None and ctx.group.town_id == event.town_id
        else lookup.town_center_group(ctx.session, event.town_id)
    )
    ctx.post(other, WarningVerified(ref=event.ref, verdict=verdict))
    ctx.post(lookup.grid_group(ctx.session, event.grid_id), WarningVerified(ref=event.ref, verdict=verdict))


@router.handles(IntentKind.ESCALATE_DISTRICT)
def escalate_district(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None:
        return
    if not ctx.actor.holds(Role.SEAT, town_id=event.town_id):
        ctx.reply(NoPermission(action=f"把 {event.ref} 上报新区"))
        return
    if event.level >= 3 or event.status not in (EventStatus.OPEN, EventStatus.PENDING, EventStatus.RESOLVED):
        refuse_status(ctx, event, "上报新区")
        return
    reason = intent.fields.reason
    if reason not in DISTRICT_REASONS:
        ctx.reply(DistrictNeedsReason(ref=event.ref, reasons=DISTRICT_REASONS))
        return
    change(
        ctx,
        event,
        "escalate_district",
        status=EventStatus.PENDING,
        level=3,
        holder_kind=HolderKind.DISTRICT_CENTER,
        department_id=None,
        escalation_reason=reason,
        accept_due=None,
        resolve_due=None,
        note=intent.body,
    )
    district = org_repo.district_of_town(ctx.session, event.town_id)
    ctx.post(
        lookup.district_center_group(ctx.session, event.town_id),
        PendingDistrict(
            reason=reason, town=org_repo.town(ctx.session, event.town_id).name, **_event_params(ctx, event)
        ),
    )
    ctx.reply(EscalatedDistrict(ref=event.ref, district=district.name, reason=reason))


@router.handles(IntentKind.EXTEND)
def extend(ctx: Context, intent: Intent) -> None:
    if intent.ref is not None and intent.ref.startswith("D"):
        directives.request_extension(ctx, intent.ref, intent.fields.duration_hours, intent.body)
        return
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None:
        return
    if not _department_may_act(ctx, event, "申请延期", f"为 {event.ref} 申请延期"):
        return
    if event.status not in (EventStatus.DISPATCHED, EventStatus.ACCEPTED):
        refuse_status(ctx, event, "申请延期")
        return
    hours = intent.fields.duration_hours
    if not hours:
        ctx.reply(ExtendNeedsDuration(ref=event.ref))
        return
    reason = reason_of(intent)
    change(ctx, event, "extension_requested", extension_requested_hours=hours, note=reason)
    ctx.post(lookup.center_group_of(ctx.session, event), ExtensionRequested(ref=event.ref, hours=hours, reason=reason))
    ctx.reply(ExtensionSubmitted(ref=event.ref, hours=hours))


def approve_extension(ctx: Context, ref: str) -> None:
    event = lookup.event_by_ref(ctx, ref)
    if event is None:
        return
    if not lookup.is_seat_for(ctx, event):
        ctx.reply(NoPermission(action=f"批准 {event.ref} 延期"))
        return
    hours = event.extension_requested_hours
    if not hours:
        ctx.reply(NoExtension(ref=event.ref))
        return
    item = lookup.item_of(ctx, event)
    working = item.working_days if item else False
    updates: dict[str, Any] = {"extension_requested_hours": None}
    if event.resolve_due is not None:
        updates["resolve_due"] = add_hours(event.resolve_due, hours, working_days=working)
    elif event.accept_due is not None:
        updates["accept_due"] = add_hours(event.accept_due, hours, working_days=working)
    change(ctx, event, "extension_approved", note=f"{hours:g} 小时", **updates)
    ctx.reply(ExtensionApproved(ref=event.ref, hours=hours))
    if event.department_id is not None:
        ctx.post(
            lookup.department_group(ctx.session, event.department_id), ExtensionApproved(ref=event.ref, hours=hours)
        )
