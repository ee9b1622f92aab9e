"""Queries on what scheduled work has already done."""

from __future__ import annotations

from sqlmodel import Session, select

from gridbot.storage.models.timing import ReminderSent


def reminders_sent(session: Session) -> set[tuple[str, str, str]]:
    """(subject, stage, due) of every reminder and overdue notice already sent."""
    return {(r.subject, r.stage, r.due) for r in session.exec(select(ReminderSent)).all()}
