"""Queries on events, their history, photos, pending questions and external records (for the rules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, or_, select

from gridbot.storage.models.events import (
    Event,
    EventHistory,
    EventPhoto,
    EventStatus,
    HolderKind,
    PendingQuestion,
    Rating,
)
from gridbot.storage.models.records import ExternalRecord

LIVE_STATUSES = (EventStatus.OPEN, EventStatus.PENDING, EventStatus.DISPATCHED, EventStatus.ACCEPTED)


def dispatched_to(session: Session, department_id: int) -> list[Event]:
    """Events dispatched to the department and not yet accepted, oldest first."""
    return list(
        session.exec(
            select(Event)
            .where(Event.department_id == department_id, Event.status == EventStatus.DISPATCHED)
            .order_by(col(Event.id))
        ).all()
    )


def history(session: Session, event_id: int, *, newest_first: bool = False) -> list[EventHistory]:
    order = col(EventHistory.id).desc() if newest_first else col(EventHistory.id)
    return list(session.exec(select(EventHistory).where(EventHistory.event_id == event_id).order_by(order)).all())


def last_department(session: Session, event_id: int) -> int | None:
    """The department that last handled the event, read from its history."""
    for entry in history(session, event_id, newest_first=True):
        value = entry.detail.get("department_id")
        if isinstance(value, int):
            return value
    return None


def photo_count(session: Session, event_id: int) -> int:
    return session.exec(select(func.count()).select_from(EventPhoto).where(EventPhoto.event_id == event_id)).one()


def latest_report_by(session: Session, person_id: int, group_id: int) -> Event | None:
    return session.exec(
        select(Event)
        .where(Event.reporter_id == person_id, Event.reported_in_group_id == group_id)
        .order_by(col(Event.id).desc())
    ).first()


def open_question(session: Session, person_id: int, kind: str, group_id: int | None = None) -> PendingQuestion | None:
    """The person's latest unanswered question of that kind (in that group, when given)."""
    query = select(PendingQuestion).where(
        PendingQuestion.person_id == person_id,
        PendingQuestion.kind == kind,
        col(PendingQuestion.answered_at).is_(None),
    )
    if group_id is not None:
        query = query.where(PendingQuestion.group_id == group_id)
    return session.exec(query.order_by(col(PendingQuestion.id).desc())).first()


def waiting_for(
    session: Session,
    *,
    grid_ids: Iterable[int] = (),
    department_ids: Iterable[int] = (),
    town_ids: Iterable[int] = (),
    district_seat: bool = False,
) -> list[Event]:
    """What waits for someone (待办): open events of their grids, their departments' dispatched and accepted
    events, and the center queue (pending and to verify) of their towns or, for district seats, of level 3."""
    conditions: list[ColumnElement[bool]] = []
    grids, departments, towns = list(grid_ids), list(department_ids), list(town_ids)
    if grids:
        conditions.append(col(Event.grid_id).in_(grids) & (col(Event.status) == EventStatus.OPEN))
    if departments:
        conditions.append(
            col(Event.department_id).in_(departments)
            & col(Event.status).in_([EventStatus.DISPATCHED, EventStatus.ACCEPTED])
        )
    in_queue = col(Event.status).in_([EventStatus.PENDING, EventStatus.RESOLVED])
    if towns:
        conditions.append(
            col(Event.town_id).in_(towns)
            & col(Event.level).in_([1, 2])
            & in_queue
            & (col(Event.holder_kind) != HolderKind.DEPARTMENT)
        )
    if district_seat:
        conditions.append(((col(Event.level) == 3) | col(Event.warning)) & in_queue)
    if not conditions:
        return []
    return list(session.exec(select(Event).where(or_(*conditions)).order_by(col(Event.id))).all())


def live_events(session: Session) -> list[Event]:
    """Events still in the flow (open, pending, dispatched, accepted)."""
    return list(session.exec(select(Event).where(col(Event.status).in_(LIVE_STATUSES))).all())


def awaiting_verification(session: Session) -> list[Event]:
    """Resolved events waiting for their center's verification (待核查)."""
    return list(session.exec(select(Event).where(Event.status == EventStatus.RESOLVED)).all())


def warned_between(session: Session, grid_id: int, since: datetime, until: datetime) -> bool:
    """Whether the grid sent a warning in [since, until]."""
    return (
        session.exec(
            select(Event.id).where(
                Event.grid_id == grid_id,
                col(Event.warning),
                col(Event.created_at) >= since,
                col(Event.created_at) <= until,
            )
        ).first()
        is not None
    )


def external_record(session: Session, external_ref: str) -> ExternalRecord | None:
    return session.exec(select(ExternalRecord).where(ExternalRecord.external_ref == external_ref)).first()


def rating_by(session: Session, event_id: int, rater_id: int) -> Rating | None:
    """The rating this person already gave the event, if any."""
    return session.exec(select(Rating).where(Rating.event_id == event_id, Rating.rater_id == rater_id)).first()
