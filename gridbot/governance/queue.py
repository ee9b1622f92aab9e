"""Entering a center's queue (待派单): the one place that says what that means for an event."""

from __future__ import annotations

from typing import Any

from gridbot.governance.context import Context
from gridbot.governance.history import change
from gridbot.storage.models.events import Event, HolderKind


def enter_center_queue(ctx: Context, event: Event, action: str, *, level: int, note: str = "", **updates: Any) -> None:
    """The event waits at the center of its level (the town's at level 2, the district's at level 3), held by no
    department and with no running deadline; the wait starts now (see `history.change`)."""
    change(
        ctx,
        event,
        action,
        level=level,
        holder_kind=HolderKind.DISTRICT_CENTER if level >= 3 else HolderKind.TOWN_CENTER,
        department_id=None,
        accept_due=None,
        resolve_due=None,
        note=note,
        **updates,
    )
