"""Outbox rows as channel-neutral outgoing messages, and the simple delivery loop."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridbot.bot.channels.base import Channel, DeliveryError
from gridbot.bot.messages import OutgoingMessage, ReplyContext
from gridbot.clock import Clock
from gridbot.storage.models.events import InboxMessage, OutboxMessage
from gridbot.storage.models.org import Group
from gridbot.storage.org_repo import bindings_of

log = logging.getLogger(__name__)


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
    )


async def deliver_pending(engine: Engine, channels: Sequence[Channel], clock: Clock) -> int:
    """Send every pending row once, in order, through the first channel that can reach it.

    A row no channel can reach stays visible as `undeliverable`. (The production sender with rate limits,
    back-off and row locks builds on this in issue 7.)
    """
    sent = 0
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.state == "pending").order_by(col(OutboxMessage.id))
        ).all()
        for row in rows:
            message = outgoing(session, row)
            channel = next((c for c in channels if c.can_deliver(message)), None)
            row.attempts += 1
            if channel is None:
                row.state, row.last_error = "undeliverable", "no channel bound to this group"
            else:
                try:
                    await channel.send(message)
                    row.state, row.sent_at = "sent", clock.now()
                    sent += 1
                except DeliveryError as error:
                    row.last_error = str(error)
                    row.state = "pending" if error.retry else "failed"
            session.add(row)
            session.commit()
    return sent
