"""签收/收到 and 通过/同意: one word, several things it may answer (events, extensions, later directives)."""

from __future__ import annotations

from gridbot.governance import directives, flow, lookup
from gridbot.governance.context import Context
from gridbot.governance.router import Router
from gridbot.intents.model import Intent, IntentKind
from gridbot.storage import event_repo
from gridbot.storage.models.events import Event
from gridbot.storage.models.org import GroupKind

router = Router("acknowledge")


def waiting_events(ctx: Context) -> list[Event]:
    """Events waiting for this person's acknowledgement in this group (dispatched to their department)."""
    if ctx.actor is None or ctx.group is None or ctx.group.kind != GroupKind.DEPARTMENT:
        return []
    department_id = ctx.group.department_id
    if department_id is None or not lookup.is_department_member(ctx, department_id):
        return []
    return event_repo.dispatched_to(ctx.session, department_id)


@router.handles(IntentKind.ACCEPT)
def accept(ctx: Context, intent: Intent) -> None:
    if intent.ref is None:
        # A bare 收到/好的 is applied only when exactly one item waits; otherwise it is chat.
        events = waiting_events(ctx)
        tasks = directives.waiting_tasks(ctx)
        if len(events) + len(tasks) == 1:
            if events:
                flow.accept_event(ctx, events[0])
            else:
                directives.acknowledge_task(ctx, tasks[0])
        return
    if intent.ref.startswith("D"):
        directives.acknowledge(ctx, intent.ref)
        return
    flow.accept_reference(ctx, intent.ref)


@router.handles(IntentKind.APPROVE)
def approve(ctx: Context, intent: Intent) -> None:
    if intent.ref is not None and intent.ref.startswith("D"):
        directives.approve(ctx, intent.ref)
        return
    flow.approve_extension(ctx, intent.ref or "")
