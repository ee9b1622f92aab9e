"""The outbox sender: claims rows, paces every POST per target, retries with back-off, parks what it gives up on.

Order: a room's (a conversation's) rows leave in id order. Only the first open row of each room is claimed; when
it fails it waits (back-off) and the rows behind it wait too, while other rooms go on. A row the sender gives up
on (a configuration error, content the platform refuses, too many failures, no channel) is parked: kept with its
reason, listed by `gridbot outbox`, alerted to the center hourly, and the room goes on.

Several processes: each sender is an instance with a heartbeat row; a row is claimed with a compare-and-set on
its state and attempt count (so two senders never take the same row, on SQLite as on PostgreSQL) and carries the
instance that holds it. Rows held by an instance whose heartbeat stopped are taken again within `STALE`, and
any claim runs out after `LEASE`. Delivery is at least once: a process killed between a POST and recording it
sends that part again (docs/operations.md).

Pacing: every POST asks the pacer (bot/pacing_db.py, shared through the database); a message split into parts
records how many went out, and a retry resumes at the part that failed, on the same channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, or_, update
from sqlmodel import Session, col, select

from gridbot.bot import routing
from gridbot.bot.channels.base import Channel, DeliveryError, Paced, Posts
from gridbot.bot.messages import OutgoingMessage
from gridbot.bot.metrics import Metrics
from gridbot.bot.outbox import outgoing
from gridbot.bot.pacing import Budget, Pacer
from gridbot.bot.pacing_db import DatabasePacer
from gridbot.clock import Clock
from gridbot.intents.masking import mask_text
from gridbot.notices import render
from gridbot.notices.questions import Ring
from gridbot.settings import Settings
from gridbot.storage.models.delivery import SenderInstance
from gridbot.storage.models.events import OutboxMessage

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
STALE = timedelta(seconds=20)  # an instance silent this long is gone: its rows are taken again
HEARTBEAT_SECONDS = 5.0
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 600.0
THROTTLE_HOLD_SECONDS = 60.0  # a 45009 blocks a robot for a minute
OPEN = ("pending", "sending")
PARKED = "parked"


def budgets_of(settings: Settings) -> dict[str, Budget]:
    """The pacing budget per channel kind from the settings (a kind not listed is not paced)."""
    return {
        kind: Budget(
            limit=max(int(rate), 1),
            window=settings.rate_window_seconds,
            burst=int(settings.rate_bursts.get(kind, 0)),
        )
        for kind, rate in settings.rate_limits.items()
    }


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int
    attempts: int
    parts_sent: int
    message: OutgoingMessage


class Sender:
    def __init__(
        self,
        engine: Engine,
        channels: Sequence[Channel],
        settings: Settings,
        clock: Clock,
        metrics: Metrics,
        pacer: Pacer | None = None,
    ) -> None:
        self.engine = engine
        self.channels = list(channels)
        self.settings = settings
        self.clock = clock
        self.metrics = metrics
        budgets = budgets_of(settings)
        self.pacer: Pacer = pacer or DatabasePacer(engine, budgets.get, clock)
        self.instance = uuid.uuid4().hex
        self.started_at = clock.now()
        self.wake = asyncio.Event()
        self.claimed_last = 0

    # ---- instances ----

    def beat(self, session: Session | None = None) -> None:
        """Record that this instance is alive (its claimed rows stay its own)."""
        if session is None:
            with Session(self.engine) as own:
                self.beat(own)
                own.commit()
            return
        row = session.get(SenderInstance, self.instance)
        if row is None:
            row = SenderInstance(id=self.instance, started_at=self.started_at, heartbeat_at=self.clock.now())
        row.heartbeat_at = self.clock.now()
        session.add(row)

    # ---- claiming ----

    def claim(self, limit: int = 50) -> list[Claimed]:
        """Take the first open row of up to `limit` rooms, where that row is due now."""
        now = self.clock.now()
        live = select(SenderInstance.id).where(col(SenderInstance.heartbeat_at) > now - STALE)
        heads = (
            select(func.min(OutboxMessage.id))
            .where(col(OutboxMessage.state).in_(OPEN))
            .group_by(col(OutboxMessage.conversation))
        )
        due = or_(
            (col(OutboxMessage.state) == "pending")
            & or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now),
            (col(OutboxMessage.state) == "sending")
            & or_(
                col(OutboxMessage.next_attempt_at) <= now,
                col(OutboxMessage.claimed_by).is_(None),
                col(OutboxMessage.claimed_by).not_in(live),
            ),
        )
        claimed: list[Claimed] = []
        with Session(self.engine, expire_on_commit=False) as session:
            self.beat(session)
            session.flush()
            candidates = session.exec(
                select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.attempts)
                .where(col(OutboxMessage.id).in_(heads), due)
                .order_by(col(OutboxMessage.id))
                .limit(limit)
            ).all()
            for row_id, state, attempts in candidates:
                taken = session.execute(
                    update(OutboxMessage)
                    .where(
                        col(OutboxMessage.id) == row_id,
                        col(OutboxMessage.state) == state,
                        col(OutboxMessage.attempts) == attempts,
                    )
                    .values(
                        state="sending", next_attempt_at=now + LEASE, attempts=attempts + 1, claimed_by=self.instance
                    )
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    row = session.get(OutboxMessage, row_id, populate_existing=True)
                    assert row is not None and row.id is not None
                    message = outgoing(session, row, self.settings.bindings)
                    claimed.append(Claimed(row.id, row.attempts, row.parts_sent, message))
            session.commit()
        return claimed

    def _finish(
        self,
        item: Claimed,
        state: str,
        *,
        parts_sent: int,
        via: str | None = None,
        error: str | None = None,
        retry_at: datetime | None = None,
        paced: bool = False,
    ) -> None:
        with Session(self.engine) as session:
            row = session.get(OutboxMessage, item.row_id)
            if row is None or row.claimed_by != self.instance:
                return  # taken over by another instance meanwhile (we were presumed dead): theirs now
            row.state = state
            row.last_error = error if error is not None else row.last_error if state != "sent" else None
            row.next_attempt_at = retry_at
            row.parts_sent = parts_sent
            row.claimed_by = None
            if via is not None and parts_sent > 0 and state != "sent":
                row.via = via  # parts went out on this channel: the rest must follow on the same one
            if state == "sent":
                row.sent_at = self.clock.now()
            if paced:
                row.attempts = max(row.attempts - 1, 0)  # a pacing pause is not a failed attempt
            session.add(row)
            session.commit()

    # ---- delivering ----

    def route(self, message: OutgoingMessage) -> Channel | None:
        """The channel that carries the message (bot/routing.py: cards, rings, replies, then preference)."""
        chosen = routing.choose(message, self.channels)
        return chosen.channel if chosen is not None else None

    def _ring(self, row_id: int) -> None:
        """After a card that names people, a short robot text that @s them (a card's mentions do not notify)."""
        with Session(self.engine) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            first_line = row.text.splitlines()[0] if row.text else ""
            session.add(
                OutboxMessage(
                    group_id=row.group_id,
                    conversation=row.conversation,
                    text=mask_text(render(Ring(first_line))),
                    mentions=list(row.mentions),
                    mention_userids=list(row.mention_userids),
                    template=Ring.kind(),
                    via="robot",
                    created_at=self.clock.now(),
                )
            )
            session.commit()
        self.wake.set()

    def _backoff(self, attempts: int, least: float) -> datetime:
        seconds = max(least, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS**attempts))
        return self.clock.now() + timedelta(seconds=seconds)

    async def deliver_batch(self) -> int:
        """Deliver the rooms' first rows that are due now; returns how many rows were sent."""
        claimed = await asyncio.to_thread(self.claim)
        self.claimed_last = len(claimed)
        sent = 0
        for item in claimed:
            if await self._deliver(item):
                sent += 1
        return sent

    async def deliver_due(self) -> int:
        """Deliver batches until nothing is due now (a room's next row is due once its head went, failed or
        was parked); returns how many rows were sent."""
        sent = await self.deliver_batch()
        while self.claimed_last:
            sent += await self.deliver_batch()
        return sent

    async def _deliver(self, item: Claimed) -> bool:
        message = item.message
        chosen = routing.choose(message, self.channels)
        if chosen is None:
            if message.via and item.attempts < self.settings.send_max_attempts:
                # The channel its first parts went by is down for now (an AI-bot reconnect): wait for it.
                error = DeliveryError(f"channel {message.via} cannot reach the group now", retry=True)
                await self._failed(item, None, error, item.parts_sent)
            else:
                reason = f"no channel reaches this group ({message.via})" if message.via else "no channel bound"
                await self._park(item, item.parts_sent, reason, None)
            return False
        channel = chosen.channel
        target = channel.target(message)
        posts = Posts(item.parts_sent, admit=lambda: self._admit(channel.name, target))
        try:
            await channel.send(message, posts)
        except Paced as paced:
            retry_at = self.clock.now() + timedelta(seconds=paced.wait)
            await asyncio.to_thread(
                self._finish, item, "pending", parts_sent=posts.done, via=channel.name, retry_at=retry_at, paced=True
            )
            return False
        except DeliveryError as error:
            if error.throttled:
                seconds = max(error.delay, THROTTLE_HOLD_SECONDS)
                await asyncio.to_thread(self.pacer.hold, channel.name, target, seconds)
            await self._failed(item, channel, error, posts.done)
            return False
        except Exception as error:  # a bug in an adapter must not stop the sender
            log.exception("outbox %s: %s failed", item.row_id, channel.name)
            await self._failed(item, channel, DeliveryError(type(error).__name__, retry=True), posts.done)
            return False
        self.metrics.sent.labels(channel.name).inc()
        await asyncio.to_thread(self._finish, item, "sent", parts_sent=posts.done)
        if chosen.ring_after:
            await asyncio.to_thread(self._ring, item.row_id)
        return True

    async def _admit(self, channel: str, target: str) -> float:
        return await asyncio.to_thread(self.pacer.admit, channel, target)

    async def _park(self, item: Claimed, parts_sent: int, reason: str, channel: Channel | None) -> None:
        log.error(
            "ALERT outbox %s parked (kept, not sent)%s: %s",
            item.row_id,
            f" via {channel.name}" if channel is not None else "",
            reason,
        )
        via = channel.name if channel is not None else None
        await asyncio.to_thread(self._finish, item, PARKED, parts_sent=parts_sent, via=via, error=reason)

    async def _failed(self, item: Claimed, channel: Channel | None, error: DeliveryError, parts_sent: int) -> None:
        kind = "config" if error.config else "retry" if error.retry else "rejected"
        name = channel.name if channel is not None else str(item.message.via)
        self.metrics.send_failures.labels(name, kind).inc()
        reason = mask_text(str(error))
        if error.retry and not error.config and item.attempts < self.settings.send_max_attempts:
            log.warning("outbox %s via %s: %s; retrying", item.row_id, name, reason)
            retry_at = self._backoff(item.attempts, error.delay)
            via = channel.name if channel is not None else None
            await asyncio.to_thread(
                self._finish, item, "pending", parts_sent=parts_sent, via=via, error=reason, retry_at=retry_at
            )
            return
        why = "configuration error" if error.config else "refused" if not error.retry else "too many failures"
        await self._park(item, parts_sent, f"{why}: {reason}", channel)

    async def run(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until `stop` is set; woken early when new rows arrive; heartbeat meanwhile."""
        heart = asyncio.create_task(self._heartbeat(stop))
        try:
            while not stop.is_set():
                try:
                    await self.deliver_batch()
                except Exception:
                    self.claimed_last = 0
                    log.exception("sender: batch failed (store unavailable?)")
                if self.claimed_last:
                    continue  # the rows behind the ones just handled may be due now
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=idle_seconds)
        finally:
            heart.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heart

    async def _heartbeat(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.beat)
            except Exception as error:
                log.warning("sender: heartbeat not recorded (%s)", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=HEARTBEAT_SECONDS)
