"""Quality checks (抽查) by the center and two-way ratings (评价)."""

from __future__ import annotations

from gridbot.governance import lookup, scopes
from gridbot.governance.commands import Check, Rate
from gridbot.governance.context import Context
from gridbot.governance.handlers import handles
from gridbot.governance.history import change
from gridbot.governance.machines import EVENT
from gridbot.governance.permissions import Action, Grant, in_grid_group
from gridbot.governance.refusals import refusal, refuse_status, require
from gridbot.notices.corrections import (
    AlreadyRated,
    CheckFailed,
    CheckFailedNotice,
    CheckNeedsVerdict,
    CheckPassed,
    Rated,
    RateNeedsVerdict,
)
from gridbot.storage import event_repo, org_repo
from gridbot.storage.models.events import Rating
from gridbot.storage.models.org import Role

RATING_VERDICTS = ("满意", "基本满意", "不满意")


@handles(Check)
def check(ctx: Context, command: Check) -> None:
    event = command.event
    if not require(ctx, Action.EVENT_CHECK, scopes.of_event(ctx.session, event), f"抽查 {event.ref}", ref=event.ref):
        return
    if command.qualified is None:
        ctx.reply(CheckNeedsVerdict(ref=event.ref))
        return
    if not EVENT.allows(event, "check_pass"):
        refuse_status(ctx, event, "抽查")
        return
    if command.qualified:
        change(ctx, event, "check_pass", note=command.reason)
        ctx.reply(CheckPassed(ref=event.ref))
        return
    reason = command.reason or "抽查不合格"
    change(ctx, event, "check_fail", flags=[*event.flags, "抽查不合格"], note=reason)
    notice = CheckFailedNotice(ref=event.ref, grid=org_repo.grid(ctx.session, event.grid_id).name, reason=reason)
    ctx.post(
        lookup.grid_group(ctx.session, event.grid_id),
        notice,
        mentions=lookup.grid_worker_ids(ctx.session, event.grid_id),
    )
    ctx.post(lookup.center_group_of(ctx.session, event), notice)
    ctx.reply(CheckFailed(ref=event.ref, reason=reason))


def _rater_role(grant: Grant) -> str:
    """Grid forces and centers rate departments; departments rate the center and grid workers."""
    if grant.where is in_grid_group:
        return "grid"
    return "center" if grant.role == Role.SEAT else "department"


@handles(Rate)
def rate(ctx: Context, command: Rate) -> None:
    event = command.event
    assert event.id is not None
    if command.verdict not in RATING_VERDICTS:
        ctx.reply(RateNeedsVerdict(ref=event.ref))
        return
    scope = scopes.of_event(ctx.session, event)
    grant = ctx.grant(Action.EVENT_RATE, scope)
    if grant is None:
        ctx.reply(refusal(ctx, Action.EVENT_RATE, scope, f"评价 {event.ref}", ref=event.ref))
        return
    earlier = event_repo.rating_by(ctx.session, event.id, ctx.actor.id)
    if earlier is not None:
        ctx.reply(AlreadyRated(ref=event.ref, verdict=earlier.verdict))
        return
    workers = lookup.grid_worker_ids(ctx.session, event.grid_id)
    ctx.session.add(
        Rating(
            event_id=event.id,
            rater_id=ctx.actor.id,
            rater_role=_rater_role(grant),
            department_id=scopes.handling_department(ctx.session, event),
            grid_worker_id=workers[0] if workers else None,
            verdict=command.verdict,
            comment=command.comment,
            at=ctx.now,
        )
    )
    change(ctx, event, "rate", note=f"{command.verdict} {command.comment}".strip())
    ctx.reply(Rated(ref=event.ref, verdict=command.verdict))
