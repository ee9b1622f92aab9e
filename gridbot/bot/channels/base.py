"""The small interfaces between channel adapters and the rest of the bot.

Inbound: an adapter registers its aiohttp routes (or runs a connection) and hands each verified, decrypted
message to `Ingest`, which stores it before the adapter answers the platform (and processes it afterwards).
Images: a `MediaFetcher` per channel fetches the images its messages carry, right after they are stored.
Outbound: the sender gives each outbox row to the channel bot/routing.py chooses; `send` makes each POST through
`Posts` (paced, counted, resumable) and raises `DeliveryError` saying whether a retry may help.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from gridbot.bot.messages import IncomingImage, IncomingMessage, OutgoingMessage


class DeliveryError(Exception):
    """Sending failed.

    `retry`: a later attempt may work (network errors, WeCom -1 system busy, 45009 rate limited).
    `config`: the deployment is wrong (40001 bad secret, 60020 IP not trusted, 93000 bad webhook key): the row
    is marked failed and an alert is logged, never retried in a loop.
    `delay`: the least time to wait before retrying (seconds), e.g. 60 after a minute-level block.
    `throttled`: the platform said we post too often (45009, HTTP 429): the whole target waits, not just this row.
    """

    def __init__(
        self, message: str, *, retry: bool, config: bool = False, delay: float = 0.0, throttled: bool = False
    ) -> None:
        super().__init__(message)
        self.retry = retry
        self.config = config
        self.delay = delay
        self.throttled = throttled


class Paced(Exception):
    """No budget for the next POST now: not a failure; the row waits `wait` seconds and resumes at that part."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"paced for {wait:.1f} s")
        self.wait = wait


class Posts:
    """The POSTs of one outbox row, in order: a channel sends each part through `post`.

    Parts that went out on an earlier attempt (`done` of them) are skipped, so a message that failed half-way
    resumes at the part that failed and the group never sees a part twice; before each new part the pacer is
    asked (`admit`: 0 = go, else the seconds to wait, raised as `Paced`); `done` counts what went out.
    """

    def __init__(self, done: int = 0, admit: Callable[[], Awaitable[float]] | None = None) -> None:
        self.done = done
        self._admit = admit
        self._next = 0

    async def post(self, send: Callable[[], Awaitable[Any]]) -> None:
        index = self._next
        self._next += 1
        if index < self.done:
            return
        if self._admit is not None:
            wait = await self._admit()
            if wait > 0:
                raise Paced(wait)
        await send()
        self.done += 1


class MediaUnavailable(Exception):
    """An image that could not be fetched (an expired link, a network failure, a decryption failure), or that was
    fetched and is larger than the limit (`refused`). The message says why; it goes on the photo's record."""

    def __init__(self, reason: str, *, refused: bool = False) -> None:
        super().__init__(reason)
        self.refused = refused


class MessageRefused(Exception):
    """The store refused a message for what it holds (a value it cannot represent): retrying cannot help, so the
    request is answered 400, never a retryable 503. The inbound schemas should have refused it first."""


Ingest = Callable[[IncomingMessage], Awaitable[bool]]
"""Store one incoming message; True when it is new, False for a duplicate. Raises `MessageRefused` for content the
store cannot hold, anything else when the store is down."""


class Channel(Protocol):
    name: str
    rings: bool  # its @-mentions notify the people named (a robot's mentioned_list); the AI bot's do not
    # (optional) `answers`: the inbound channel name whose messages it replies to, when not its own name

    def can_deliver(self, message: OutgoingMessage) -> bool:
        """True when this channel knows how to reach the message's target."""
        ...

    def target(self, message: OutgoingMessage) -> str:
        """The rate-limited target this message goes to (a robot key, a chat id, a room)."""
        ...

    async def send(self, message: OutgoingMessage, posts: Posts | None = None) -> None:
        """Deliver one message, each POST through `posts.post` (splitting long text to the platform's limits
        the same way on every attempt, so parts keep their numbers), or raise `DeliveryError` / `Paced`."""
        ...


class InboundChannel(Protocol):
    """An adapter that receives messages over HTTP."""

    name: str

    def routes(self, ingest: Ingest) -> list[web.RouteDef]:
        """The aiohttp routes of this channel; handlers call `ingest` before answering."""
        ...


class MediaFetcher(Protocol):
    """Fetches the images one channel's messages carry (`IncomingImage.source == source`)."""

    source: str

    async def fetch(self, image: IncomingImage, max_bytes: int) -> bytes:
        """The image's bytes, decrypted; raises `MediaUnavailable` (refused when larger than `max_bytes`)."""
        ...
