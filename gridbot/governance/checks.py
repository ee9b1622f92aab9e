"""Quality checks (抽查) by the center and two-way ratings (评价)."""

from __future__ import annotations

from gridbot.governance import lookup
from gridbot.governance.context import Context
from gridbot.governance.flow import reason_of, refuse_status
from gridbot.governance.history import change
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices.corrections import (
    CheckFailed,
    CheckFailedNotice,
    CheckNeedsVerdict,
    CheckPassed,
    Rated,
    RateNeedsVerdict,
)
from gridbot.notices.questions import NoPermission
from gridbot.storage import event_repo, org_repo
from gridbot.storage.models.events import Event, EventStatus, Rating

router = Router("checks")

RATING_VERDICTS = ("满意", "基本满意", "不满意")


@router.handles(IntentKind.CHECK)
def check(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None:
        return
    if not lookup.is_seat_of_town_or_district(ctx, event):
        ctx.reply(NoPermission(action=f"抽查 {event.ref}"))
        return
    verdict = intent.fields.verdict
    if verdict not in ("合格", "不合格"):
        ctx.reply(CheckNeedsVerdict(ref=event.ref))
        return
    if event.status != EventStatus.CLOSED:
        refuse_status(ctx, event, "抽查")
        return
    if verdict == "合格":
        change(ctx, event, "check_pass", note=reason_of(intent))
        ctx.reply(CheckPassed(ref=event.ref))
        return
    reason = reason_of(intent) or "抽查不合格"
    change(ctx, event, "check_fail", status=EventStatus.DELETED, flags=[*event.flags, "抽查不合格"], note=reason)
    grid = org_repo.grid(ctx.session, event.grid_id)
    workers = lookup.grid_worker_ids(ctx.session, event.grid_id)
    ctx.post(
        lookup.grid_group(ctx.session, event.grid_id),
        CheckFailedNotice(ref=event.ref, grid=grid.name, reason=reason),
        mentions=workers,
    )
    ctx.post(
        lookup.center_group_of(ctx.session, event), CheckFailedNotice(ref=event.ref, grid=grid.name, reason=reason)
    )
    ctx.reply(CheckFailed(ref=event.ref, reason=reason))


@router.handles(IntentKind.RATE)
def rate(ctx: Context, intent: Intent) -> None:
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None or event.id is None:
        return
    verdict = intent.fields.verdict
    if verdict not in RATING_VERDICTS:
        ctx.reply(RateNeedsVerdict(ref=event.ref))
        return
    role = _rater_role(ctx, event)
    if role is None:
        ctx.reply(NoPermission(action=f"评价 {event.ref}"))
        return
    workers = lookup.grid_worker_ids(ctx.session, event.grid_id)
    department_id = event.department_id or event_repo.last_department(ctx.session, event.id)
    ctx.session.add(
        Rating(
            event_id=event.id,
            rater_id=ctx.actor.id,
            rater_role=role,
            department_id=department_id,
            grid_worker_id=workers[0] if workers else None,
            verdict=verdict,
            comment=reason_of(intent),
            at=ctx.now,
        )
    )
    change(ctx, event, "rate", note=f"{verdict} {reason_of(intent)}".strip())
    ctx.reply(Rated(ref=event.ref, verdict=verdict))


def _rater_role(ctx: Context, event: Event) -> str | None:
    """Grid forces and centers rate departments; departments rate the center and grid workers."""
    assert event.id is not None
    if lookup.is_grid_force(ctx, event.grid_id):
        return "grid"
    if lookup.is_seat_of_town_or_district(ctx, event):
        return "center"
    department = event.department_id or event_repo.last_department(ctx.session, event.id)
    if department is not None and lookup.is_department_member(ctx, department):
        return "department"
    return None
