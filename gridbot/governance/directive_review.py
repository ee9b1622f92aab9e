"""The review of a directive (审核), workflow.md §4: the centers of its review chain approve (通过) or return
(退回) it in turn; the last approval dispatches it to its grids."""

from __future__ import annotations

from gridbot.governance import directive_tasks, scopes
from gridbot.governance.commands import ApproveDirective, ReturnDirective
from gridbot.governance.context import Context
from gridbot.governance.directive_issue import brief, center, issuer_group
from gridbot.governance.handlers import handles
from gridbot.governance.history import directive_change
from gridbot.governance.permissions import Action
from gridbot.governance.refusals import refusal, refuse_directive_status, require
from gridbot.notices.directives import (
    DirectiveApprovedIssuer,
    DirectiveApprovedNext,
    DirectiveDispatched,
    DirectiveForReview,
    DirectiveReturned,
    DirectiveReturnNeedsReason,
)
from gridbot.storage.models.directives import Directive, DirectiveStatus
from gridbot.storage.models.org import Role


def _reviewing(ctx: Context, directive: Directive) -> str:
    """The name of the center whose review the directive waits for."""
    return center(ctx, directive.review_chain[len(directive.reviewers)])[0]


def _might_review(ctx: Context, directive: Directive) -> bool:
    """Seats and the issuing department are told a directive's status; anyone else only that they may not."""
    return ctx.actor.holds(Role.SEAT) or ctx.actor.holds(Role.DEPT_STAFF, department_id=directive.department_id)


@handles(ApproveDirective)
def approve(ctx: Context, command: ApproveDirective) -> None:
    directive = command.directive
    scope = scopes.of_directive(ctx.session, directive)
    if directive.status == DirectiveStatus.DISPATCHED and ctx.permits(Action.DIRECTIVE_APPROVE_EXTENSION, scope):
        directive_tasks.approve_extensions(ctx, directive)
        return
    if directive.status != DirectiveStatus.PENDING_REVIEW:
        if _might_review(ctx, directive):
            refuse_directive_status(ctx, directive, "审核")
        else:
            ctx.reply(refusal(ctx, Action.DIRECTIVE_REVIEW, scope, f"审核 {directive.ref}", ref=directive.ref))
        return
    reviewing = _reviewing(ctx, directive)
    if not require(
        ctx, Action.DIRECTIVE_REVIEW, scope, f"审核 {directive.ref}（应由{reviewing}网格中心审核）", ref=directive.ref
    ):
        return
    directive.reviewers = [*directive.reviewers, reviewing]
    directive_change(ctx, directive, "approve", note=reviewing)
    issuer = issuer_group(ctx, directive)
    if len(directive.reviewers) < len(directive.review_chain):
        next_name, next_group = center(ctx, directive.review_chain[len(directive.reviewers)])
        ctx.post(next_group, DirectiveForReview(brief(ctx, directive)))
        ctx.reply(DirectiveApprovedNext(ref=directive.ref, center=reviewing, next_center=next_name))
        ctx.post(
            issuer,
            DirectiveApprovedNext(ref=directive.ref, center=reviewing, next_center=next_name),
            mentions=[directive.issuer_id],
        )
        return
    directive_tasks.dispatch(ctx, directive)
    grids = len(directive.grid_ids)
    ctx.reply(DirectiveDispatched(ref=directive.ref, grids=grids))
    ctx.post(
        issuer,
        DirectiveApprovedIssuer(ref=directive.ref, center=reviewing, grids=grids),
        mentions=[directive.issuer_id],
    )


@handles(ReturnDirective)
def return_directive(ctx: Context, command: ReturnDirective) -> None:
    directive = command.directive
    if directive.status != DirectiveStatus.PENDING_REVIEW:
        refuse_directive_status(ctx, directive, "退回")
        return
    scope = scopes.of_directive(ctx.session, directive)
    if not require(ctx, Action.DIRECTIVE_REVIEW, scope, f"退回 {directive.ref}", ref=directive.ref):
        return
    if not command.reason:
        ctx.reply(DirectiveReturnNeedsReason(ref=directive.ref))
        return
    reviewing = _reviewing(ctx, directive)
    directive.return_reason = command.reason
    directive_change(ctx, directive, "return", note=command.reason)
    ctx.reply(DirectiveReturned(ref=directive.ref, center=reviewing, reason=command.reason))
    ctx.post(
        issuer_group(ctx, directive),
        DirectiveReturned(ref=directive.ref, center=reviewing, reason=command.reason),
        mentions=[directive.issuer_id],
    )
