"""Store every incoming message before anything else happens; the same message twice is stored once.

The images a message carries get a pending `photo_file` row each, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gridbot.bot.messages import IncomingMessage
from gridbot.storage import photo_repo
from gridbot.storage.models.events import InboxMessage


def store(engine: Engine, incoming: IncomingMessage, *, received_at: datetime) -> int | None:
    """The new row's id, or None when this channel already delivered this message id (a retry)."""
    with Session(engine) as session:
        existing = session.exec(
            select(InboxMessage.id).where(
                InboxMessage.channel == incoming.channel, InboxMessage.message_id == incoming.message_id
            )
        ).first()
        if existing is not None:
            return None
        row = InboxMessage(
            channel=incoming.channel,
            message_id=incoming.message_id,
            conversation=incoming.conversation,
            sender=incoming.sender,
            kind=incoming.kind,
            text=incoming.text,
            payload={
                **incoming.payload,
                "conversation_key": incoming.conversation_key,
                "sender_key": incoming.sender_key,
                "direct": incoming.direct,
            },
            sent_at=incoming.sent_at,
            received_at=received_at,
        )
        session.add(row)
        try:
            session.flush()
            row_id = row.id
            assert row_id is not None
            # The images' rows go in with the message: fetched right after, recorded whatever happens.
            photo_repo.add_pending(session, row_id, [(image.source, image.locator) for image in incoming.images])
            session.commit()  # expires `row`: its id was read before, so no reload
        except IntegrityError:
            # Two deliveries raced; the other one stored it.
            session.rollback()
            return None
        return row_id
