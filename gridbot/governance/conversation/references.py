"""The references users type (E12, D3): each kind of reference names one kind of object, found here once."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import Session

from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import Event

Subject = Event | Directive
REFERENCE = re.compile(r"^([A-Z])(\d{1,9})$")


def _event(session: Session, number: int) -> Subject | None:
    return session.get(Event, number)


def _directive(session: Session, number: int) -> Subject | None:
    return session.get(Directive, number)


# One entry per kind of reference; workflow-2.md adds A (grid adjustments) and M (meetings) here.
KINDS: dict[str, Callable[[Session, int], Subject | None]] = {"E": _event, "D": _directive}


def resolve(session: Session, ref: str) -> Subject | None:
    """The object a normalised reference names, or None when there is none."""
    match = REFERENCE.match(ref)
    if match is None or match.group(1) not in KINDS:
        return None
    return KINDS[match.group(1)](session, int(match.group(2)))
