"""Queries over the outbox that are not the sender's own claiming: what is parked, and where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from gridbot.storage.models.events import OutboxMessage

PARKED = "parked"


@dataclass(frozen=True, slots=True)
class ParkedSummary:
    group_id: int | None
    conversation: str
    count: int
    oldest: datetime
    last_error: str


def parked_by_group(session: Session) -> list[ParkedSummary]:
    """Parked rows per group (count, oldest) with the reason of the latest one."""
    rows = session.execute(
        sql_select(
            col(OutboxMessage.group_id),
            col(OutboxMessage.conversation),
            func.count(col(OutboxMessage.id)),
            func.min(col(OutboxMessage.created_at)),
            func.max(col(OutboxMessage.id)),
        )
        .where(col(OutboxMessage.state) == PARKED)
        .group_by(col(OutboxMessage.group_id), col(OutboxMessage.conversation))
        .order_by(func.min(OutboxMessage.created_at))
    ).all()
    found = []
    for group_id, conversation, count, oldest, latest_id in rows:
        latest = session.get(OutboxMessage, latest_id)
        reason = (latest.last_error if latest is not None else None) or "原因未记录"
        found.append(ParkedSummary(group_id, conversation, int(count), oldest, reason))
    return found


def requeue_parked(session: Session, ids: list[int] | None) -> int:
    """Put parked rows (all, or these ids) back in the queue: due now, attempts counted afresh; the parts that
    went out before stay counted, so a resumed message does not repeat them."""
    query = select(OutboxMessage).where(col(OutboxMessage.state) == PARKED)
    if ids is not None:
        query = query.where(col(OutboxMessage.id).in_(ids))
    rows = session.exec(query).all()
    for row in rows:
        row.state, row.attempts, row.next_attempt_at = "pending", 0, None
        session.add(row)
    return len(rows)
