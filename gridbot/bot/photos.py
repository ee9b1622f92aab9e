"""The images incoming messages carry: fetched right after the message is stored, kept as files, recorded.

Fetching starts as soon as the message is in the store, not when the inbox worker reaches it: the AI bot's links
last five minutes and the queue may lag longer. The worker waits for a message's images before processing it, so
the rules see each photo as kept, missing or refused. Nothing here raises: a photo that cannot be fetched (an
expired link, a network failure, a wrong key), or is not an image we accept, is marked with the reason and the
message is processed all the same.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from gridbot.bot.channels.base import MediaFetcher, MediaUnavailable
from gridbot.bot.messages import IncomingImage
from gridbot.bot.metrics import Metrics
from gridbot.clock import Clock
from gridbot.settings import Settings
from gridbot.storage import photo_repo
from gridbot.storage.media_store import ImageRefused, StoredImage, keep_image
from gridbot.storage.models.events import PhotoState

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    state: PhotoState
    stored: StoredImage | None = None
    reason: str = ""


class PhotoFetcher:
    """Fetches, checks and keeps the images of one message at a time (its images in parallel)."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        fetchers: Iterable[MediaFetcher],
        clock: Clock,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.media_dir = settings.media_dir
        self.max_bytes = settings.max_image_bytes
        self.fetchers = {fetcher.source: fetcher for fetcher in fetchers}
        self.clock = clock
        self.metrics = metrics

    async def fetch(self, inbox_id: int, images: Sequence[IncomingImage]) -> None:
        """Fetch the images of a stored message (its pending rows, matched by position) and record each."""
        rows = await asyncio.to_thread(self._pending_rows, inbox_id)
        jobs = [(photo_id, images[position]) for photo_id, position in rows if position < len(images)]
        await asyncio.gather(*(self._one(photo_id, image) for photo_id, image in jobs))

    def left_over(self) -> dict[int, list[tuple[int, IncomingImage]]]:
        """The images a previous run stored and did not fetch, by message. Their keys were never stored: a fetch
        that needs the image's own key (the long connection's) fails, and is recorded as missing."""
        with Session(self.engine) as session:
            rows = photo_repo.pending(session)
        left: dict[int, list[tuple[int, IncomingImage]]] = {}
        for row in rows:
            if row.id is not None:
                left.setdefault(row.inbox_message_id, []).append((row.id, IncomingImage(row.source, row.locator)))
        return left

    async def fetch_rows(self, rows: Sequence[tuple[int, IncomingImage]]) -> None:
        await asyncio.gather(*(self._one(photo_id, image) for photo_id, image in rows))

    async def _one(self, photo_id: int, image: IncomingImage) -> None:
        outcome = await self._get(image)
        if self.metrics is not None:
            self.metrics.photos.labels(outcome.state.value).inc()
        if outcome.state is not PhotoState.STORED:
            log.warning("photo %s %s: %s", photo_id, outcome.state.value, outcome.reason)
        try:
            await asyncio.to_thread(self._record, photo_id, outcome)
        except Exception as error:  # the store is down: the row stays pending, the message is processed anyway
            log.error("photo %s: recording the outcome failed: %s", photo_id, type(error).__name__)

    async def _get(self, image: IncomingImage) -> Outcome:
        fetcher = self.fetchers.get(image.source)
        if fetcher is None:
            return Outcome(PhotoState.MISSING, reason=f"no way to fetch {image.source} images here (not configured)")
        try:
            data = await fetcher.fetch(image, self.max_bytes)
            stored = await asyncio.to_thread(keep_image, self.media_dir, data, self.max_bytes)
        except MediaUnavailable as error:
            return Outcome(PhotoState.REFUSED if error.refused else PhotoState.MISSING, reason=str(error))
        except ImageRefused as error:
            return Outcome(PhotoState.REFUSED, reason=str(error))
        except Exception as error:  # a bug or a full disk must not lose the message: mark the photo, go on
            log.exception("fetching a %s image failed", image.source)
            return Outcome(PhotoState.MISSING, reason=f"unexpected error ({type(error).__name__})")
        return Outcome(PhotoState.STORED, stored=stored)

    def _pending_rows(self, inbox_id: int) -> list[tuple[int, int]]:
        with Session(self.engine) as session:
            return [
                (row.id, row.position)
                for row in photo_repo.files_of(session, inbox_id)
                if row.id is not None and row.state == PhotoState.PENDING
            ]

    def _record(self, photo_id: int, outcome: Outcome) -> None:
        with Session(self.engine) as session:
            now = self.clock.now()
            if outcome.stored is not None:
                photo_repo.record_stored(session, photo_id, outcome.stored, now)
            else:
                photo_repo.record_unsaved(session, photo_id, outcome.state, outcome.reason, now)
            session.commit()
