"""Queries on what scheduled work has already done."""

from __future__ import annotations

from sqlmodel import Session, select

from gridbot.storage.models.timing import JobRun, ReminderSent


def reminders_sent(session: Session) -> set[tuple[str, str, str]]:
    """(subject, stage, due) of every reminder and overdue notice already sent."""
    return {(r.subject, r.stage, r.due) for r in session.exec(select(ReminderSent)).all()}


def jobs_done(session: Session) -> set[tuple[str, str]]:
    """(job, period) of every periodic job already run."""
    return {(r.job, r.period) for r in session.exec(select(JobRun)).all()}


def job_run(session: Session, job: str, period: str) -> JobRun | None:
    return session.exec(select(JobRun).where(JobRun.job == job, JobRun.period == period)).first()
