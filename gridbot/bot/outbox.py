"""Outbox rows as channel-neutral outgoing messages (what the sender hands to a channel)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from gridbot.bot.messages import OutgoingMessage, ReplyContext
from gridbot.storage.models.events import InboxMessage, OutboxMessage
from gridbot.storage.models.org import Group, Person
from gridbot.storage.org_repo import bindings_of


def outgoing(
    session: Session, row: OutboxMessage, configured: dict[str, dict[str, str]] | None = None
) -> OutgoingMessage:
    """The channel-neutral form of an outbox row, with the group's bindings and the message it answers."""
    assert row.id is not None
    group = session.get(Group, row.group_id) if row.group_id is not None else None
    source = session.get(InboxMessage, row.in_reply_to) if row.in_reply_to is not None else None
    reply_to = (
        ReplyContext(
            channel=source.channel,
            conversation=source.conversation,
            sender=source.sender,
            direct=bool(source.payload.get("direct")),
            received_at=source.received_at,
            payload=dict(source.payload),
            sender_name=_name(session, source.person_id),
        )
        if source is not None
        else None
    )
    return OutgoingMessage(
        outbox_id=row.id,
        conversation=row.conversation,
        text=row.text,
        mentions=tuple(row.mentions),
        mention_userids=tuple(row.mention_userids),
        bindings=bindings_of(group, configured or {}) if group is not None else {},
        reply_to=reply_to,
        in_reply_to=row.in_reply_to,
        image_png=row.image_png,
        buttons=tuple((label, command) for label, command in row.buttons),
        via=row.via,
        kind=row.template,
    )


def _name(session: Session, person_id: int | None) -> str:
    person = session.get(Person, person_id) if person_id is not None else None
    return person.name if person is not None else ""


def next_attempt(engine: Engine, after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] at which a pending row may be sent (a paced or retried one)."""
    with Session(engine) as session:
        return session.exec(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.state == "pending",
                col(OutboxMessage.next_attempt_at) > after,
                col(OutboxMessage.next_attempt_at) <= until,
            )
        ).one()
