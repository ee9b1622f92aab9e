"""Monthly scores of grid workers (workflow.md §6)."""

from __future__ import annotations

from sqlmodel import Session


class NotSupportedYet(Exception):
    """Scores arrive with issue 6."""


def score_of(session: Session, person_id: int, month: str) -> float:
    raise NotSupportedYet("score: not supported yet (issue 6)")
