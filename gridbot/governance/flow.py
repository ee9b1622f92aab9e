"""The three-level flow (workflow.md §3): center queue, dispatch, accept, return, resolve, verify, level 3."""

from __future__ import annotations

from typing import Any

from gridbot.governance import lookup, scopes
from gridbot.governance.actors import PlaceKind
from gridbot.governance.commands import (
    Accept,
    ApproveExtension,
    CloseInGrid,
    Coordinate,
    DeclineExtension,
    Dispatch,
    Escalate,
    EscalateDistrict,
    Progress,
    RequestExtension,
    Resolve,
    Return,
    Verify,
    VerifyWarning,
)
from gridbot.governance.context import Context
from gridbot.governance.deadlines import event_is_urgent, event_limit
from gridbot.governance.handlers import handles
from gridbot.governance.history import change, close
from gridbot.governance.machines import EVENT
from gridbot.governance.permissions import Action
from gridbot.governance.queue import enter_center_queue
from gridbot.governance.refusals import refusal, refuse_status, require
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
    ExtensionDeclined,
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
    SupplementRecorded,
    VerifiedClosed,
    VerifyFailed,
    VerifyNeedsVerdict,
    WarningAlreadyVerified,
    WarningVerified,
)
from gridbot.storage import org_repo
from gridbot.storage.models.events import Closure, Event, HolderKind
from gridbot.storage.models.org import Department, Role

DISTRICT_REASONS = ("预警情报", "信访矛盾超出本镇", "办理权限超出本镇")
DEFAULT_ACCEPT_HOURS = 2.0
DEFAULT_RESOLVE_HOURS = 72.0


def _brief(ctx: Context, event: Event) -> dict[str, Any]:
    """The lines every center and department notice about an event shows."""
    return {
        "ref": event.ref,
        "grid": org_repo.grid(ctx.session, event.grid_id).name,
        "sector": event.sector or "待分类",
        "location": event.location or "",
        "description": event.description,
    }


def send_to_center(ctx: Context, event: Event, *, note: str) -> None:
    """Level 1 → level 2: into the town center's queue, and the center group is told."""
    enter_center_queue(ctx, event, "escalate", level=2, note=note)
    ctx.post(lookup.town_center_group(ctx.session, event.town_id), PendingCenter(reason=note, **_brief(ctx, event)))


@handles(Escalate)
def escalate(ctx: Context, command: Escalate) -> None:
    event = command.event
    if not require(
        ctx, Action.EVENT_ESCALATE, scopes.of_event(ctx.session, event), f"把 {event.ref} 上报中心", ref=event.ref
    ):
        return
    if not EVENT.allows(event, "escalate"):
        refuse_status(ctx, event, "上报中心")
        return
    send_to_center(ctx, event, note=command.note)
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


def _district_takes_it(ctx: Context, event: Event) -> bool:
    """A warning waits in both center queues at once (workflow §3): the district center may take it up itself,
    sending it to a district department (level 3)."""
    if not (event.warning and event.level == 2):
        return False
    if ctx.place.kind is PlaceKind.DISTRICT_CENTER:
        return True
    district = org_repo.district_of_town(ctx.session, event.town_id)
    return (
        ctx.place.kind is PlaceKind.DIRECT
        and ctx.actor.holds(Role.SEAT, district_id=district.id)
        and not ctx.actor.holds(Role.SEAT, town_id=event.town_id)
    )


@handles(Dispatch)
def dispatch(ctx: Context, command: Dispatch) -> None:
    event = command.event
    if not require(
        ctx, Action.EVENT_DISPATCH, scopes.of_event(ctx.session, event), f"给 {event.ref} 派单", ref=event.ref
    ):
        return
    if not EVENT.allows(event, "dispatch"):
        refuse_status(ctx, event, "派单")
        return
    level = 3 if _district_takes_it(ctx, event) else event.level
    department = _choose_department(ctx, event, command.department, level)
    if department is None or department.id is None:
        return
    item = lookup.item_of(ctx.catalog, event)
    accept_hours = item.accept_hours if item else DEFAULT_ACCEPT_HOURS
    accept_due = event_limit(ctx, event, ctx.now, accept_hours)
    change(
        ctx,
        event,
        "dispatch",
        holder_kind=HolderKind.DEPARTMENT,
        department_id=department.id,
        level=level,
        accept_due=accept_due,
        resolve_due=None,
        note=department.name,
    )
    ctx.post(
        lookup.department_group(ctx.session, department.id),
        DispatchedToDepartment(
            department=department.name, accept_due=accept_due, note=command.instructions, **_brief(ctx, event)
        ),
        mentions=lookup.department_staff_ids(ctx.session, department.id),
        urgent=event_is_urgent(ctx.catalog, event),
    )
    ctx.reply(Dispatched(ref=event.ref, department=department.name, accept_due=accept_due))


def _department_may_act(ctx: Context, event: Event, action: Action, status_word: str, what: str) -> bool:
    """Only the department holding the event acts on it. Department staff acting on an event that no department
    holds yet are told its status (it has not been dispatched to them); anyone else is refused."""
    if ctx.permits(action, scopes.of_event(ctx.session, event)):
        return True
    acts_for_a_department_here = ctx.place.kind is PlaceKind.DEPARTMENT and ctx.permits(
        action, scopes.of_place(ctx.place)
    )
    if event.department_id is None and acts_for_a_department_here:
        refuse_status(ctx, event, status_word)
    else:
        ctx.reply(refusal(ctx, action, scopes.of_event(ctx.session, event), what, ref=event.ref))
    return False


def accept_event(ctx: Context, event: Event) -> None:
    """签收: the department takes the event; coordination items close as they enter coordination."""
    item = lookup.item_of(ctx.catalog, event)
    resolve_hours = item.resolve_hours if item else DEFAULT_RESOLVE_HOURS
    resolve_due = event_limit(ctx, event, ctx.now, resolve_hours)
    change(ctx, event, "accept", resolve_due=resolve_due)
    department = lookup.department_name(ctx.session, event.department_id)
    if lookup.closes_on_coordination(ctx.catalog, event):
        close(ctx, event, "coordination", Closure.COORDINATION)
        ctx.reply(AcceptedCoordination(ref=event.ref))
        ctx.post(
            lookup.grid_group(ctx.session, event.grid_id), ClosedCoordination(ref=event.ref, department=department)
        )
        return
    ctx.reply(Accepted(ref=event.ref, resolve_due=resolve_due))
    ctx.post(
        lookup.grid_group(ctx.session, event.grid_id),
        ProgressPosted(ref=event.ref, who=department, content="已签收，正在办理"),
    )


@handles(Accept)
def accept(ctx: Context, command: Accept) -> None:
    event = command.event
    if not _department_may_act(ctx, event, Action.EVENT_ACCEPT, "签收", f"签收 {event.ref}"):
        return
    if not EVENT.allows(event, "accept"):
        refuse_status(ctx, event, "签收")
        return
    accept_event(ctx, event)


@handles(Return)
def return_event(ctx: Context, command: Return) -> None:
    event = command.event
    # 退回 E12 理由 from the center, on an extension request, refuses the extension.
    deciding = ctx.permits(Action.EVENT_APPROVE_EXTENSION, scopes.of_event(ctx.session, event))
    if event.extension_requested_hours and deciding:
        decline_extension(ctx, DeclineExtension(event, command.reason))
        return
    if not _department_may_act(ctx, event, Action.EVENT_RETURN, "退回", f"退回 {event.ref}"):
        return
    if not EVENT.allows(event, "return"):
        refuse_status(ctx, event, "退回")
        return
    if not command.reason:
        ctx.reply(ReturnNeedsReason(ref=event.ref))
        return
    department = lookup.department_name(ctx.session, event.department_id)
    enter_center_queue(ctx, event, "return", level=event.level, returns=event.returns + 1, note=command.reason)
    ctx.post(
        lookup.center_group_of(ctx.session, event),
        ReturnedToCenter(ref=event.ref, department=department, reason=command.reason, returns=event.returns),
    )
    ctx.reply(Returned(ref=event.ref))


def _supplement(ctx: Context, event: Event, text: str, *, result: bool) -> bool:
    """On an event closed as it entered coordination, the department's progress and results are supplements
    (recorded, no status change). True when the command was taken as one (answered)."""
    if not EVENT.allows(event, "supplement") or not ctx.permits(
        Action.EVENT_RESOLVE, scopes.of_event(ctx.session, event)
    ):
        return False
    if not text:
        ctx.reply((ResolveNeedsText if result else ProgressNeedsText)(ref=event.ref))
        return True
    change(ctx, event, "supplement", note=text, **({"after": text} if result else {}))
    ctx.reply(SupplementRecorded(ref=event.ref))
    who = lookup.department_name(ctx.session, event.department_id) or ctx.actor.name
    ctx.post(lookup.grid_group(ctx.session, event.grid_id), ProgressPosted(ref=event.ref, who=who, content=text))
    return True


@handles(Progress)
def progress(ctx: Context, command: Progress) -> None:
    event = command.event
    if _supplement(ctx, event, command.text, result=False):
        return
    if not require(
        ctx, Action.EVENT_PROGRESS, scopes.of_event(ctx.session, event), f"反馈 {event.ref} 的进展", ref=event.ref
    ):
        return
    if not EVENT.allows(event, "progress"):
        refuse_status(ctx, event, "反馈进展")
        return
    if not command.text:
        ctx.reply(ProgressNeedsText(ref=event.ref))
        return
    change(ctx, event, "progress", note=command.text)
    ctx.reply(ProgressRecorded(ref=event.ref))
    ctx.post(
        lookup.grid_group(ctx.session, event.grid_id),
        ProgressPosted(ref=event.ref, who=ctx.actor.name, content=command.text),
    )


@handles(Coordinate)
def coordinate(ctx: Context, command: Coordinate) -> None:
    """协调 E12 at level 1: coordination items close as they enter coordination."""
    event = command.event
    if not require(
        ctx, Action.EVENT_COORDINATE, scopes.of_event(ctx.session, event), f"协调 {event.ref}", ref=event.ref
    ):
        return
    if not EVENT.allows(event, "coordination"):
        refuse_status(ctx, event, "进入协调")
        return
    if not lookup.closes_on_coordination(ctx.catalog, event):
        change(ctx, event, "progress", note=command.note or "协调中")
        ctx.reply(CoordinationNotClosing(ref=event.ref))
        return
    close(ctx, event, "coordination", Closure.COORDINATION, note=command.note)
    ctx.reply(ClosedCoordination(ref=event.ref, department=""))


@handles(CloseInGrid)
def close_in_grid(ctx: Context, command: CloseInGrid) -> None:
    """办结 E12 by the grid: closes an open level-1 event (closure self); the 处置后 text is required."""
    event = command.event
    refusal = f"办结 {event.ref}（一级事件由本网格专职网格员办结）"
    if not require(ctx, Action.EVENT_CLOSE_IN_GRID, scopes.of_event(ctx.session, event), refusal, ref=event.ref):
        return
    if not EVENT.allows(event, "self_resolve"):
        refuse_status(ctx, event, "办结")
        return
    if not command.result:
        ctx.reply(ResolveNeedsText(ref=event.ref))
        return
    close(ctx, event, "self_resolve", Closure.SELF, after=command.result)
    ctx.reply(ClosedSelf(ref=event.ref))


@handles(Resolve)
def resolve(ctx: Context, command: Resolve) -> None:
    event = command.event
    if _supplement(ctx, event, command.result, result=True):
        return
    if not _department_may_act(ctx, event, Action.EVENT_RESOLVE, "办结", f"办结 {event.ref}"):
        return
    if not EVENT.allows(event, "resolve"):
        refuse_status(ctx, event, "办结")
        return
    if not command.result:
        ctx.reply(ResolveNeedsText(ref=event.ref))
        return
    change(ctx, event, "resolve", after=command.result, note=command.result)
    ctx.post(
        lookup.center_group_of(ctx.session, event),
        ResolvedForCheck(
            ref=event.ref, department=lookup.department_name(ctx.session, event.department_id), content=command.result
        ),
    )
    ctx.reply(Resolved(ref=event.ref))


@handles(Verify)
def verify(ctx: Context, command: Verify) -> None:
    event = command.event
    if not require(ctx, Action.EVENT_VERIFY, scopes.of_event(ctx.session, event), f"核查 {event.ref}", ref=event.ref):
        return
    if command.passed is None:
        ctx.reply(VerifyNeedsVerdict(ref=event.ref))
        return
    if not EVENT.allows(event, "verify_pass"):
        refuse_status(ctx, event, "核查")
        return
    department_group = lookup.department_group(ctx.session, event.department_id)
    if command.passed:
        close(ctx, event, "verify_pass", Closure.RESOLUTION)
        ctx.reply(VerifiedClosed(ref=event.ref))
        ctx.post(lookup.grid_group(ctx.session, event.grid_id), ClosedPosted(ref=event.ref, content=event.after or ""))
        ctx.post(department_group, VerifiedClosed(ref=event.ref))
        return
    reason = command.reason or "核查未通过"
    change(ctx, event, "verify_fail", note=reason)
    ctx.reply(VerifyFailed(ref=event.ref, reason=reason))
    ctx.post(
        department_group,
        VerifyFailed(ref=event.ref, reason=reason),
        mentions=lookup.department_staff_ids(ctx.session, event.department_id),
        urgent=event_is_urgent(ctx.catalog, event),
    )


@handles(VerifyWarning)
def verify_warning(ctx: Context, command: VerifyWarning) -> None:
    event = command.event
    if not require(
        ctx, Action.EVENT_VERIFY_WARNING, scopes.of_event(ctx.session, event), f"核实 {event.ref}", ref=event.ref
    ):
        return
    if not event.warning:
        ctx.reply(NotAWarning(ref=event.ref))
        return
    if event.warning_truth is not None:
        ctx.reply(WarningAlreadyVerified(ref=event.ref, verdict=event.warning_truth))
        return
    action = "warning_true" if command.true else "warning_false"
    if not EVENT.allows(event, action):
        refuse_status(ctx, event, "核实")
        return
    verdict = "属实" if command.true else "不属实"
    if command.true:
        change(ctx, event, action, warning_truth=verdict)
    else:
        close(ctx, event, action, Closure.UNFOUNDED, warning_truth=verdict)
    ctx.reply(WarningVerified(ref=event.ref, verdict=verdict))
    # The other center learns the verdict; the grid too.
    other = (
        lookup.district_center_group(ctx.session, event.town_id)
        if ctx.place.kind is PlaceKind.TOWN_CENTER
        else lookup.town_center_group(ctx.session, event.town_id)
    )
    ctx.post(other, WarningVerified(ref=event.ref, verdict=verdict))
    ctx.post(lookup.grid_group(ctx.session, event.grid_id), WarningVerified(ref=event.ref, verdict=verdict))


@handles(EscalateDistrict)
def escalate_district(ctx: Context, command: EscalateDistrict) -> None:
    event = command.event
    refusal = f"把 {event.ref} 上报新区"
    if not require(ctx, Action.EVENT_ESCALATE_DISTRICT, scopes.of_event(ctx.session, event), refusal, ref=event.ref):
        return
    if not EVENT.allows(event, "escalate_district"):
        refuse_status(ctx, event, "上报新区")
        return
    if command.reason not in DISTRICT_REASONS:
        ctx.reply(DistrictNeedsReason(ref=event.ref, reasons=DISTRICT_REASONS))
        return
    # The reason's category decides (three are allowed); the seat's own words go with it.
    explanation = command.note if command.note.strip(" ，,。") != command.reason else ""
    enter_center_queue(ctx, event, "escalate_district", level=3, escalation_reason=command.reason, note=command.note)
    district = org_repo.district_of_town(ctx.session, event.town_id)
    town = org_repo.town(ctx.session, event.town_id).name
    ctx.post(
        lookup.district_center_group(ctx.session, event.town_id),
        PendingDistrict(reason=command.reason, town=town, explanation=explanation, **_brief(ctx, event)),
    )
    ctx.reply(EscalatedDistrict(ref=event.ref, district=district.name, reason=command.reason, explanation=explanation))


@handles(RequestExtension)
def request_extension(ctx: Context, command: RequestExtension) -> None:
    event = command.event
    if not _department_may_act(ctx, event, Action.EVENT_EXTEND, "申请延期", f"为 {event.ref} 申请延期"):
        return
    if not EVENT.allows(event, "extension_requested"):
        refuse_status(ctx, event, "申请延期")
        return
    if not command.hours:
        ctx.reply(ExtendNeedsDuration(ref=event.ref))
        return
    change(ctx, event, "extension_requested", extension_requested_hours=command.hours, note=command.reason)
    ctx.post(
        lookup.center_group_of(ctx.session, event),
        ExtensionRequested(ref=event.ref, hours=command.hours, reason=command.reason),
    )
    ctx.reply(ExtensionSubmitted(ref=event.ref, hours=command.hours))


@handles(ApproveExtension)
def approve_extension(ctx: Context, command: ApproveExtension) -> None:
    event = command.event
    refusal = f"批准 {event.ref} 延期"
    if not require(ctx, Action.EVENT_APPROVE_EXTENSION, scopes.of_event(ctx.session, event), refusal, ref=event.ref):
        return
    hours = event.extension_requested_hours
    if not hours or not EVENT.allows(event, "extension_approved"):
        ctx.reply(NoExtension(ref=event.ref))
        return
    updates: dict[str, Any] = {"extension_requested_hours": None}
    if event.resolve_due is not None:
        updates["resolve_due"] = event_limit(ctx, event, event.resolve_due, hours)
    elif event.accept_due is not None:
        updates["accept_due"] = event_limit(ctx, event, event.accept_due, hours)
    change(ctx, event, "extension_approved", note=f"{hours:g} 小时", **updates)
    ctx.reply(ExtensionApproved(ref=event.ref, hours=hours))
    ctx.post(lookup.department_group(ctx.session, event.department_id), ExtensionApproved(ref=event.ref, hours=hours))


@handles(DeclineExtension)
def decline_extension(ctx: Context, command: DeclineExtension) -> None:
    """不同意延期 E12 理由: the center keeps the deadline; the department is told why."""
    event = command.event
    scope = scopes.of_event(ctx.session, event)
    if not require(ctx, Action.EVENT_APPROVE_EXTENSION, scope, f"决定 {event.ref} 的延期", ref=event.ref):
        return
    if not event.extension_requested_hours or not EVENT.allows(event, "extension_declined"):
        ctx.reply(NoExtension(ref=event.ref))
        return
    change(ctx, event, "extension_declined", extension_requested_hours=None, note=command.reason)
    ctx.reply(ExtensionDeclined(ref=event.ref, reason=command.reason))
    ctx.post(
        lookup.department_group(ctx.session, event.department_id),
        ExtensionDeclined(ref=event.ref, reason=command.reason),
        mentions=lookup.department_staff_ids(ctx.session, event.department_id),
        urgent=event_is_urgent(ctx.catalog, event),
    )
