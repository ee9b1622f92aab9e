"""Queries on what scheduled work has already done."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from gridbot.storage.models.timing import JobRun, ReminderSent

CHUNK = 500  # subjects bound per IN (…): the live subjects of a tick, well below every driver's limit


def reminders_sent(session: Session, subjects: Collection[str]) -> set[tuple[str, str, str]]:
    """(subject, stage, due) of the reminders and overdue notices already sent about these subjects (the live
    ones: the table keeps every reminder ever sent, and a tick must not read a year of them)."""
    found: set[tuple[str, str, str]] = set()
    ordered = sorted(subjects)
    for start in range(0, len(ordered), CHUNK):
        part = ordered[start : start + CHUNK]
        rows = session.exec(
            select(ReminderSent.subject, ReminderSent.stage, ReminderSent.due).where(
                col(ReminderSent.subject).in_(part)
            )
        ).all()
        found.update((subject, stage, due) for subject, stage, due in rows)
    return found


def job_run(session: Session, job: str, period: str) -> JobRun | None:
    return session.exec(select(JobRun).where(JobRun.job == job, JobRun.period == period)).first()
