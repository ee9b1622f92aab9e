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
    InboxMessage,
    PendingQuestion,
    PhotoFile,
    PhotoState,
    Rating,
)
from gridbot.storage.models.org import Grid
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
    """The event's photos: each kept file once (the same picture sent twice is one photo), and each image message
    of a channel that carries no file; an image that could not be fetched, or was refused, does not count."""
    without_file = session.exec(
        select(func.count())
        .select_from(EventPhoto)
        .where(EventPhoto.event_id == event_id, col(EventPhoto.photo_file_id).is_(None))
    ).one()
    kept = session.exec(
        select(func.count(func.distinct(PhotoFile.sha256)))
        .select_from(EventPhoto)
        .join(PhotoFile, col(PhotoFile.id) == col(EventPhoto.photo_file_id))
        .where(EventPhoto.event_id == event_id, PhotoFile.state == PhotoState.STORED)
    ).one()
    return without_file + kept


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


def open_in_grids(session: Session, grid_ids: Iterable[int]) -> list[Event]:
    """Level-1 events still being handled in these grids (directive tasks are listed as tasks), oldest first."""
    return list(
        session.exec(
            select(Event)
            .where(
                col(Event.grid_id).in_(list(grid_ids)),
                Event.status == EventStatus.OPEN,
                col(Event.directive_task_id).is_(None),
            )
            .order_by(col(Event.id))
        ).all()
    )


def unfinished_in_villages(session: Session, village_ids: Iterable[int]) -> list[Event]:
    """Events of these villages' grids not closed yet, wherever they are in the flow (for 网格长, 网格指导员)."""
    grids = select(Grid.id).where(col(Grid.village_id).in_(list(village_ids)))
    return list(
        session.exec(
            select(Event)
            .where(
                col(Event.grid_id).in_(grids),
                col(Event.status).in_([*LIVE_STATUSES, EventStatus.RESOLVED]),
                col(Event.directive_task_id).is_(None),
            )
            .order_by(col(Event.id))
        ).all()
    )


def held_by_departments(session: Session, department_ids: Iterable[int]) -> list[Event]:
    """Events dispatched to or accepted by these departments, oldest first."""
    return list(
        session.exec(
            select(Event)
            .where(
                col(Event.department_id).in_(list(department_ids)),
                col(Event.status).in_([EventStatus.DISPATCHED, EventStatus.ACCEPTED]),
            )
            .order_by(col(Event.id))
        ).all()
    )


def at_centers(session: Session, town_ids: Iterable[int], district_town_ids: Iterable[int]) -> list[Event]:
    """What waits at a center: to dispatch (待派单), to verify (待核查), an extension to decide, a warning to
    verify. Town centers hold levels 1–2 of their towns; the district center level 3 of its towns, and warnings."""
    towns, district_towns = list(town_ids), list(district_town_ids)
    waiting = col(Event.status).in_([EventStatus.PENDING, EventStatus.RESOLVED]) | col(
        Event.extension_requested_hours
    ).is_not(None)
    unverified_warning = col(Event.warning) & col(Event.warning_truth).is_(None) & col(Event.status).in_(LIVE_STATUSES)
    conditions: list[ColumnElement[bool]] = []
    if towns:
        conditions.append(col(Event.town_id).in_(towns) & (col(Event.level) < 3) & (waiting | unverified_warning))
    if district_towns:
        at_district = (col(Event.level) >= 3) & waiting
        conditions.append(col(Event.town_id).in_(district_towns) & (at_district | unverified_warning))
    if not conditions:
        return []
    return list(session.exec(select(Event).where(or_(*conditions)).order_by(col(Event.id))).all())


def live_events(session: Session) -> list[Event]:
    """Events still in the flow (open, pending, dispatched, accepted)."""
    return list(session.exec(select(Event).where(col(Event.status).in_(LIVE_STATUSES))).all())


def at_center_stages(session: Session) -> list[Event]:
    """Events waiting at a center: to be dispatched (待派单) or verified (待核查); the status index answers."""
    return list(
        session.exec(select(Event).where(col(Event.status).in_([EventStatus.PENDING, EventStatus.RESOLVED]))).all()
    )


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


def unattached_images(session: Session, person_id: int, group_id: int, since: datetime) -> list[InboxMessage]:
    """The person's messages in the group since then that carry images (image messages, and text with images in
    it) and belong to no event yet, oldest first."""
    attached = select(EventPhoto.inbox_message_id)
    carrying = select(PhotoFile.inbox_message_id)
    return list(
        session.exec(
            select(InboxMessage)
            .where(
                InboxMessage.person_id == person_id,
                InboxMessage.group_id == group_id,
                or_(InboxMessage.kind == "image", col(InboxMessage.id).in_(carrying)),
                col(InboxMessage.received_at) >= since,
                col(InboxMessage.id).not_in(attached),
            )
            .order_by(col(InboxMessage.id))
        ).all()
    )
