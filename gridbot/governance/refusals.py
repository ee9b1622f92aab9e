"""Saying no so that people learn: why not, who may (read from the permission table), and what to type."""

from __future__ import annotations

from gridbot.governance.actors import Place, PlaceKind
from gridbot.governance.context import Context
from gridbot.governance.permissions import Action, Scope, grant_for, granted_to
from gridbot.notices import Notice
from gridbot.notices.directives import DirectiveWrongStatus
from gridbot.notices.forms import DIRECTIVE_STAGES, EVENT_STAGES, PLACE_LABELS, form, stage, who_may
from gridbot.notices.questions import NoPermission, NoPermissionHere, WrongStatus
from gridbot.storage.models.directives import DIRECTIVE_STATUS_LABELS, Directive, DirectiveStatus
from gridbot.storage.models.events import STATUS_LABELS, Event
from gridbot.storage.models.org import ROLE_LABELS


def refusal(ctx: Context, action: Action, scope: Scope, tried: str, *, ref: str = "") -> Notice:
    """无权限, taught: the right role in the wrong group is told which group; anyone else who may, and how."""
    typed = form(action.value, ref)
    if ctx.place.kind not in (PlaceKind.DIRECT, PlaceKind.SYSTEM):
        elsewhere = grant_for(ctx.actor, Place.direct(), action, scope)
        if elsewhere is not None:
            return NoPermissionHere(action=tried, place=PLACE_LABELS[elsewhere.place], form=typed)
    roles = {role.value: label for role, label in ROLE_LABELS.items()}
    return NoPermission(action=tried, who=who_may(granted_to(action), roles), form=typed)


def require(ctx: Context, action: Action, scope: Scope, refused: str | Notice, *, ref: str = "") -> bool:
    """True when the table allows the action here; otherwise the refusal is the answer (fail closed).

    `refused` is what the person tried ("给 E5 派单"), taught with the table; or a notice of its own.
    """
    if ctx.permits(action, scope):
        return True
    ctx.reply(refusal(ctx, action, scope, refused, ref=ref) if isinstance(refused, str) else refused)
    return False


def refuse_status(ctx: Context, event: Event, action: str) -> None:
    """ "E12 当前状态为已办结，不能签收。现在已办结，可发：查询 E12"."""
    ctx.reply(
        WrongStatus(
            ref=event.ref,
            status=STATUS_LABELS[event.status],
            action=action,
            next=stage(EVENT_STAGES, event.status, event.ref),
        )
    )


def refuse_directive_status(ctx: Context, directive: Directive, action: str) -> None:
    """ "D3 当前状态为已退回，不能审核。现在已退回，部门可修改后重新发送：【部门指令】模板"."""
    label = DIRECTIVE_STATUS_LABELS[DirectiveStatus(directive.status)]
    next_step = stage(DIRECTIVE_STAGES, directive.status, directive.ref)
    ctx.reply(DirectiveWrongStatus(ref=directive.ref, status=label, action=action, next=next_step))
