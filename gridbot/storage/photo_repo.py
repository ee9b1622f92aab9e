"""Queries on the images messages carry (`photo_file`): written with the message, then fetched and recorded."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from gridbot.storage.media_store import StoredImage
from gridbot.storage.models.events import EventPhoto, PhotoFile, PhotoState


def add_pending(session: Session, inbox_message_id: int, images: Iterable[tuple[str, str]]) -> list[PhotoFile]:
    """One pending row per (source, locator), in the message's order."""
    rows = [
        PhotoFile(inbox_message_id=inbox_message_id, position=position, source=source, locator=locator)
        for position, (source, locator) in enumerate(images)
    ]
    session.add_all(rows)
    return rows


def files_of(session: Session, inbox_message_id: int) -> list[PhotoFile]:
    """The images a message carries, in its order (none for a channel that carries no file)."""
    return list(
        session.exec(
            select(PhotoFile).where(PhotoFile.inbox_message_id == inbox_message_id).order_by(col(PhotoFile.position))
        ).all()
    )


def pending(session: Session) -> list[PhotoFile]:
    """Images not fetched yet (a restart came between storing a message and fetching its images)."""
    return list(
        session.exec(
            select(PhotoFile)
            .where(PhotoFile.state == PhotoState.PENDING)
            .order_by(col(PhotoFile.inbox_message_id), col(PhotoFile.position))
        ).all()
    )


def record_stored(session: Session, photo_id: int, stored: StoredImage, at: datetime) -> None:
    row = session.get(PhotoFile, photo_id)
    if row is None:
        return
    row.state, row.reason, row.fetched_at = PhotoState.STORED, None, at
    row.sha256, row.size, row.content_type, row.path = stored.sha256, stored.size, stored.content_type, stored.path
    session.add(row)


def record_unsaved(session: Session, photo_id: int, state: PhotoState, reason: str, at: datetime) -> None:
    """A missing or refused image, with the reason (kept short: it is a record, not a log)."""
    row = session.get(PhotoFile, photo_id)
    if row is None:
        return
    row.state, row.reason, row.fetched_at = state, reason[:500], at
    session.add(row)


def attached(session: Session, inbox_message_id: int) -> bool:
    """Whether the message's images already belong to an event."""
    found = session.exec(select(EventPhoto.id).where(EventPhoto.inbox_message_id == inbox_message_id)).first()
    return found is not None
