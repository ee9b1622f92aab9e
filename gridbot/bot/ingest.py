"""Inbox in the server: store before answering the platform, fetch the images at once, process afterwards, in
arrival order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from sqlmodel import Session, col, select

from gridbot.bot import inbox
from gridbot.bot.channels.base import MessageRefused
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.messages import IncomingMessage
from gridbot.bot.metrics import Metrics
from gridbot.bot.photos import PhotoFetcher
from gridbot.clock import Clock
from gridbot.storage.models.events import InboxMessage

log = logging.getLogger(__name__)


def refused_for_content(error: BaseException) -> bool:
    """The store refused a value (a lone surrogate, a NUL on PostgreSQL, a date out of range): a permanent fault of
    the message, unlike a connection failure or a locked database, which a retry may get through."""
    if isinstance(error, ValueError | OverflowError | DataError):  # UnicodeEncodeError is a ValueError
        return True
    if isinstance(error, StatementError) and not isinstance(error, DBAPIError):  # raised while binding a value
        return isinstance(error.orig, ValueError | OverflowError | TypeError)
    return False


class Ingestor:
    """`ingest` stores a message (raising when the store is down, so the platform retries), starts fetching the
    images it carries at once (the AI bot's links last five minutes) and queues it; one worker processes the queue
    in order, so a report is handled before the photo sent right after it, each message once its images are in."""

    def __init__(
        self,
        engine: Engine,
        dispatcher: Dispatcher,
        clock: Clock,
        metrics: Metrics,
        photos: PhotoFetcher,
        on_processed: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.dispatcher = dispatcher
        self.clock = clock
        self.metrics = metrics
        self.photos = photos
        self.on_processed = on_processed
        self.queue: asyncio.Queue[int] = asyncio.Queue()
        self.fetching: dict[int, asyncio.Task[None]] = {}  # inbox id → the fetch of its images
        self._worker: asyncio.Task[None] | None = None

    async def ingest(self, incoming: IncomingMessage) -> bool:
        try:
            inbox_id = await asyncio.to_thread(inbox.store, self.engine, incoming, received_at=self.clock.now())
        except Exception as error:
            if refused_for_content(error):
                raise MessageRefused(f"{type(error).__name__}: {error}"[:200]) from error
            raise  # the store is unavailable: the channel answers 503 and the platform retries
        if inbox_id is None:
            self.metrics.duplicates.labels(incoming.channel).inc()
            return False
        self.metrics.messages_in.labels(incoming.channel).inc()
        if incoming.images:
            self.fetching[inbox_id] = asyncio.create_task(
                self.photos.fetch(inbox_id, incoming.images), name=f"photos-{inbox_id}"
            )
        self.queue.put_nowait(inbox_id)
        return True

    def start(self) -> None:
        """Start the worker and queue what a previous run stored but did not process (a crash, a restart), after
        fetching the images it left unfetched."""
        with Session(self.engine) as session:
            left = session.exec(
                select(InboxMessage.id).where(InboxMessage.state == "received").order_by(col(InboxMessage.id))
            ).all()
        for message_id, rows in self.photos.left_over().items():
            self.fetching[message_id] = asyncio.create_task(self.photos.fetch_rows(rows), name=f"photos-{message_id}")
        for inbox_id in left:
            if inbox_id is not None:
                self.queue.put_nowait(inbox_id)
        self._worker = asyncio.create_task(self._work(), name="inbox-worker")

    async def _work(self) -> None:
        while True:
            inbox_id = await self.queue.get()
            started = time.monotonic()
            try:
                fetching = self.fetching.pop(inbox_id, None)
                if fetching is not None:
                    await fetching  # records every outcome itself, never raises
                await asyncio.to_thread(self.dispatcher.process, inbox_id)
            except Exception:  # the dispatcher already logs and marks failures; never let the worker die
                log.exception("inbox worker: message %s", inbox_id)
            finally:
                self.metrics.latency.observe(time.monotonic() - started)
                self.queue.task_done()
                self.on_processed()

    async def drain(self) -> None:
        """Finish what was accepted (graceful shutdown), then stop the worker."""
        await self.queue.join()
        if self.fetching:  # images of messages already processed by an earlier run
            await asyncio.gather(*self.fetching.values())
            self.fetching.clear()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
