"""Queries for the score ledger: what changed since a watermark, and the rows of some subjects."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from gridbot.storage.models.directives import DirectiveHistory, DirectiveTask
from gridbot.storage.models.events import Event, EventHistory
from gridbot.storage.models.records import ExternalRecord
from gridbot.storage.models.timing import ScoreEntry, Watermark

CHUNK = 500  # ids bound per IN (…): well below every driver's parameter limit
T = TypeVar("T")


def chunks(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def watermark(session: Session, name: str) -> Watermark:
    found = session.get(Watermark, name)
    return found if found is not None else Watermark(name=name)


def save_watermark(session: Session, mark: Watermark) -> None:
    session.add(mark)


def top_event_history(session: Session) -> int:
    return int(session.exec(select(func.coalesce(func.max(EventHistory.id), 0))).one() or 0)


def top_directive_history(session: Session) -> int:
    return int(session.exec(select(func.coalesce(func.max(DirectiveHistory.id), 0))).one() or 0)


def top_external_record(session: Session) -> int:
    return int(session.exec(select(func.coalesce(func.max(ExternalRecord.id), 0))).one() or 0)


def events_changed(session: Session, after: int, until: int, sources: Iterable[str]) -> list[Event]:
    """Events of these sources with a history entry in (after, until]."""
    changed = select(EventHistory.event_id).where(col(EventHistory.id) > after, col(EventHistory.id) <= until)
    return list(
        session.exec(
            select(Event)
            .where(col(Event.id).in_(changed), col(Event.source).in_(list(sources)))
            .order_by(col(Event.id))
        ).all()
    )


def tasks_changed(
    session: Session, after: int, until: int, due_after: datetime | None, due_until: datetime
) -> list[DirectiveTask]:
    """Tasks with a history entry in (after, until], and tasks whose deadline passed in (due_after, due_until]."""
    touched = select(DirectiveHistory.task_id).where(
        col(DirectiveHistory.id) > after, col(DirectiveHistory.id) <= until, col(DirectiveHistory.task_id).is_not(None)
    )
    condition = col(DirectiveTask.id).in_(touched)
    passed = col(DirectiveTask.deadline) <= due_until
    if due_after is not None:
        passed = passed & (col(DirectiveTask.deadline) > due_after)
    return list(session.exec(select(DirectiveTask).where(condition | passed).order_by(col(DirectiveTask.id))).all())


def missed_records(session: Session, after: int, until: int) -> list[ExternalRecord]:
    return list(
        session.exec(
            select(ExternalRecord).where(
                col(ExternalRecord.missed), col(ExternalRecord.id) > after, col(ExternalRecord.id) <= until
            )
        ).all()
    )


def first_check_fails(session: Session, after: int, until: int) -> dict[int, datetime]:
    """When each event with a history entry in (after, until] first failed a spot check (one aggregate query)."""
    changed = select(EventHistory.event_id).where(col(EventHistory.id) > after, col(EventHistory.id) <= until)
    rows = session.exec(
        select(EventHistory.event_id, func.min(EventHistory.at))
        .where(col(EventHistory.event_id).in_(changed), col(EventHistory.action) == "check_fail")
        .group_by(col(EventHistory.event_id))
    ).all()
    return {event_id: at for event_id, at in rows if at is not None}


def add_entries(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Ledger rows as one executemany insert (the ORM would insert them one statement at a time)."""
    if rows:
        session.execute(insert(ScoreEntry), list(rows))


def entries_of(session: Session, subjects: Sequence[str]) -> list[ScoreEntry]:
    """Every ledger row about these subjects (E12, T5, R3): by subject for an ordinary run, the whole ledger in one
    read when the run concerns more subjects than one bound list holds (a first build, a rebuild)."""
    if len(subjects) > CHUNK:
        wanted = set(subjects)
        return [row for row in session.exec(select(ScoreEntry)).all() if row.subject in wanted]
    if not subjects:
        return []
    return list(session.exec(select(ScoreEntry).where(col(ScoreEntry.subject).in_(list(subjects)))).all())


def month_totals(session: Session, month: str) -> list[tuple[int, str, float]]:
    """(person, rule, points) summed over the month's ledger rows (an aggregate over the month index)."""
    rows = session.exec(
        select(ScoreEntry.person_id, ScoreEntry.rule, func.sum(ScoreEntry.points))
        .where(ScoreEntry.month == month)
        .group_by(col(ScoreEntry.person_id), col(ScoreEntry.rule))
    ).all()
    return [(person_id, rule, float(points or 0.0)) for person_id, rule, points in rows]


def score_of(session: Session, person_id: int, month: str) -> float:
    total = session.exec(
        select(func.coalesce(func.sum(ScoreEntry.points), 0.0)).where(
            ScoreEntry.person_id == person_id, ScoreEntry.month == month
        )
    ).one()
    return float(total)
