"""Saying no: the permission check with its refusal, and "not in this status"."""

from __future__ import annotations

from gridbot.governance.context import Context
from gridbot.governance.permissions import Action, Scope
from gridbot.notices import Notice
from gridbot.notices.directives import DirectiveWrongStatus
from gridbot.notices.questions import WrongStatus
from gridbot.storage.models.directives import DIRECTIVE_STATUS_LABELS, Directive, DirectiveStatus
from gridbot.storage.models.events import STATUS_LABELS, Event


def require(ctx: Context, action: Action, scope: Scope, refusal: Notice) -> bool:
    """True when the table allows the action here; otherwise the refusal is the answer (fail closed)."""
    if ctx.permits(action, scope):
        return True
    ctx.reply(refusal)
    return False


def refuse_status(ctx: Context, event: Event, action: str) -> None:
    """ "E12 当前状态为已办结，不能签收"."""
    ctx.reply(WrongStatus(ref=event.ref, status=STATUS_LABELS[event.status], action=action))


def refuse_directive_status(ctx: Context, directive: Directive, action: str) -> None:
    """ "D3 当前状态为已退回，不能审核"."""
    label = DIRECTIVE_STATUS_LABELS[DirectiveStatus(directive.status)]
    ctx.reply(DirectiveWrongStatus(ref=directive.ref, status=label, action=action))
