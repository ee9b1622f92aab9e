"""The outbox sender: claims rows, paces them per target, retries with back-off, records delivery state.

Rows are claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL) under a short lease, so several processes can
share the work; a claim whose process died is taken again when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from gridbot.bot import routing
from gridbot.bot.channels.base import Channel, DeliveryError
from gridbot.bot.messages import OutgoingMessage
from gridbot.bot.metrics import Metrics
from gridbot.bot.outbox import outgoing
from gridbot.clock import Clock
from gridbot.intents.masking import mask_text
from gridbot.notices import render
from gridbot.notices.questions import Ring
from gridbot.settings import Settings
from gridbot.storage.models.events import OutboxMessage

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 600.0
DEFAULT_RATE_PER_MINUTE = 60.0


class TokenBucket:
    """`rate` messages per minute with a burst of the same size; `take` answers how long to wait (0: go)."""

    def __init__(self, rate_per_minute: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(rate_per_minute, 1.0)
        self.refill_per_second = rate_per_minute / 60.0
        self.tokens = self.capacity
        self.monotonic = monotonic
        self.updated = monotonic()

    def take(self) -> float:
        now = self.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.refill_per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.refill_per_second


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int
    attempts: int
    message: OutgoingMessage


class Sender:
    def __init__(
        self,
        engine: Engine,
        channels: Sequence[Channel],
        settings: Settings,
        clock: Clock,
        metrics: Metrics,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.channels = list(channels)
        self.settings = settings
        self.clock = clock
        self.metrics = metrics
        self.monotonic = monotonic
        self.buckets: dict[tuple[str, str], TokenBucket] = {}
        self.wake = asyncio.Event()

    # ---- claiming ----

    def claim(self, limit: int = 50) -> list[Claimed]:
        """Take up to `limit` due rows under a lease. Each row is taken with a compare-and-set on its state and
        attempt count, so two senders never take the same row, on SQLite (no row locks) as on PostgreSQL."""
        now = self.clock.now()
        due = or_(
            (col(OutboxMessage.state) == "pending")
            & or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now),
            (col(OutboxMessage.state) == "sending") & (col(OutboxMessage.next_attempt_at) <= now),
        )
        claimed: list[Claimed] = []
        with Session(self.engine, expire_on_commit=False) as session:
            candidates = session.exec(
                select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.attempts)
                .where(due)
                .order_by(col(OutboxMessage.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row_id, state, attempts in candidates:
                taken = session.execute(
                    update(OutboxMessage)
                    .where(
                        col(OutboxMessage.id) == row_id,
                        col(OutboxMessage.state) == state,
                        col(OutboxMessage.attempts) == attempts,
                    )
                    .values(state="sending", next_attempt_at=now + LEASE, attempts=attempts + 1)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    row = session.get(OutboxMessage, row_id, populate_existing=True)
                    assert row is not None and row.id is not None
                    claimed.append(Claimed(row.id, row.attempts, outgoing(session, row, self.settings.bindings)))
            session.commit()
        return claimed

    def _finish(self, row_id: int, state: str, *, error: str | None = None, retry_at: datetime | None = None) -> None:
        with Session(self.engine) as session:
            row = session.get(OutboxMessage, row_id)
            if row is None:
                return
            row.state = state
            row.last_error = error
            row.next_attempt_at = retry_at
            if state == "sent":
                row.sent_at = self.clock.now()
            if state == "pending" and error is None:
                row.attempts = max(row.attempts - 1, 0)  # a pacing delay is not a failed attempt
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

    def _bucket(self, channel: Channel, target: str) -> TokenBucket:
        key = (channel.name, target)
        if key not in self.buckets:
            rate = self.settings.rate_limits.get(channel.name, DEFAULT_RATE_PER_MINUTE)
            self.buckets[key] = TokenBucket(rate, self.monotonic)
        return self.buckets[key]

    def _backoff(self, attempts: int, least: float) -> datetime:
        seconds = max(least, min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS**attempts))
        return self.clock.now() + timedelta(seconds=seconds)

    async def deliver_batch(self) -> int:
        """Deliver what is due now; returns how many were sent."""
        claimed = await asyncio.to_thread(self.claim)
        sent = 0
        held: dict[tuple[str, str], float] = {}  # targets already waiting keep their order
        for item in claimed:
            message = item.message
            chosen = routing.choose(message, self.channels)
            channel = chosen.channel if chosen is not None else None
            if channel is None:
                await asyncio.to_thread(
                    self._finish, item.row_id, "undeliverable", error="no channel bound to this group"
                )
                log.warning("outbox %s: no channel reaches %s", item.row_id, message.conversation)
                continue
            key = (channel.name, channel.target(message))
            wait = held.get(key) or self._bucket(channel, key[1]).take()
            if wait > 0:
                held[key] = wait
                retry_at = self.clock.now() + timedelta(seconds=wait)
                await asyncio.to_thread(self._finish, item.row_id, "pending", retry_at=retry_at)
                continue
            try:
                await channel.send(message)
            except DeliveryError as error:
                await self._failed(item, channel, error)
                continue
            except Exception as error:  # a bug in an adapter must not stop the sender
                log.exception("outbox %s: %s failed", item.row_id, channel.name)
                await self._failed(item, channel, DeliveryError(type(error).__name__, retry=True))
                continue
            self.metrics.sent.labels(channel.name).inc()
            await asyncio.to_thread(self._finish, item.row_id, "sent")
            if chosen is not None and chosen.ring_after:
                await asyncio.to_thread(self._ring, item.row_id)
            sent += 1
        return sent

    async def _failed(self, item: Claimed, channel: Channel, error: DeliveryError) -> None:
        kind = "config" if error.config else "retry" if error.retry else "rejected"
        self.metrics.send_failures.labels(channel.name, kind).inc()
        reason = mask_text(str(error))
        if error.config:
            log.error(
                "ALERT outbox %s via %s: configuration error, message kept as failed: %s",
                item.row_id,
                channel.name,
                reason,
            )
            await asyncio.to_thread(self._finish, item.row_id, "failed", error=reason)
        elif error.retry and item.attempts < self.settings.send_max_attempts:
            log.warning("outbox %s via %s: %s; retrying", item.row_id, channel.name, reason)
            retry_at = self._backoff(item.attempts, error.delay)
            await asyncio.to_thread(self._finish, item.row_id, "pending", error=reason, retry_at=retry_at)
        else:
            log.error("outbox %s via %s failed for good: %s", item.row_id, channel.name, reason)
            await asyncio.to_thread(self._finish, item.row_id, "failed", error=reason)

    async def run(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until `stop` is set; woken early when new rows arrive."""
        while not stop.is_set():
            try:
                await self.deliver_batch()
            except Exception:
                log.exception("sender: batch failed (store unavailable?)")
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=idle_seconds)
