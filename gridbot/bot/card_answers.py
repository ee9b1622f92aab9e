"""A card tapped through the AI bot's HTTP callback is answered in the callback's own HTTP response.

WeCom lets the answer to a `template_card_event` replace the card, but only as the passive reply to that callback,
within 5 s. The message is stored and processed as usual (the tap is the typed command); the dispatcher holds the
reply row back for `HOLD` (`hold_for_passive_answer`), the callback waits up to `WAIT` for it, takes it
(pending → sent, so the sender never sends it too), and answers with the updated card. When the reply is not
there in time, the callback answers empty and the sender sends the reply after the hold, by response_url.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from gridbot.bot.channels.wecom_bot_messages import CHANNEL
from gridbot.bot.channels.wecom_cards import answered_card
from gridbot.bot.messages import IncomingMessage
from gridbot.clock import Clock
from gridbot.storage.models.events import InboxMessage, OutboxMessage
from gridbot.storage.models.org import Person

HOLD = timedelta(seconds=6)  # longer than WAIT: the sender must not race the callback for the reply
WAIT = 3.5  # seconds the callback waits for the reply (WeCom allows 5 s for the whole answer)
POLL = 0.05


def tapped_by_http_callback(channel: str, payload: dict[str, object]) -> bool:
    return channel == CHANNEL and bool(payload.get("card_task_id")) and bool(payload.get("response_url"))


def hold_for_passive_answer(message: InboxMessage, rows: Sequence[OutboxMessage], now: datetime) -> None:
    """The replies to a card tapped through the HTTP callback wait for the callback to answer with them."""
    if not tapped_by_http_callback(message.channel, message.payload):
        return
    for row in rows:
        if row.in_reply_to == message.id and row.state == "pending":
            row.next_attempt_at = now + HOLD


class CardClickAnswers:
    def __init__(self, engine: Engine, clock: Clock, wait: float = WAIT) -> None:
        self.engine = engine
        self.clock = clock
        self.wait = wait

    async def answer(self, message: IncomingMessage) -> str | None:
        """The passive reply (plaintext JSON) replacing the tapped card, or None (answer empty)."""
        if not tapped_by_http_callback(message.channel, message.payload):
            return None
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            taken = await asyncio.to_thread(self._take, message)
            if taken is not None:
                text, who = taken
                card = answered_card(str(message.payload["card_task_id"]), text, f"{who} 点击")
                return json.dumps({"response_type": "update_template_card", "template_card": card}, ensure_ascii=False)
            await asyncio.sleep(POLL)
        return None

    def _take(self, message: IncomingMessage) -> tuple[str, str] | None:
        """The first reply to the stored tap, marked sent by this callback (compare-and-set), with the tapper."""
        with Session(self.engine) as session:
            stored = session.exec(
                select(InboxMessage).where(
                    InboxMessage.channel == message.channel, InboxMessage.message_id == message.message_id
                )
            ).first()
            if stored is None or stored.id is None or stored.state == "received":
                return None
            row = session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.in_reply_to) == stored.id, col(OutboxMessage.state) == "pending")
                .order_by(col(OutboxMessage.id))
            ).first()
            if row is None:
                return None
            taken = session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id, col(OutboxMessage.state) == "pending")
                .values(state="sent", sent_at=self.clock.now(), via="bot", parts_sent=1)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            person = session.get(Person, stored.person_id) if stored.person_id is not None else None
            session.commit()
            return row.text, person.name if person is not None else stored.sender
