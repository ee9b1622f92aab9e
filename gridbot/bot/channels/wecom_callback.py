"""What the app and AI-bot callbacks share: URL verification, the body limit, verify + replay check + decrypt,
and the rule for answering (ingest first; 503 when the store is down; 4xx with a short reason, never a trace).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from gridbot.bot.channels.base import Ingest
from gridbot.bot.channels.wecom_crypto import CallbackCrypto, CallbackRejected, ReplayGuard
from gridbot.bot.messages import IncomingMessage

log = logging.getLogger(__name__)

READ_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Signed:
    """The query of a callback: what the signature covers besides the encrypted text."""

    signature: str
    timestamp: str
    nonce: str


def signed_query(request: web.Request) -> Signed:
    query = request.query
    values = [query.get(name, "") for name in ("msg_signature", "timestamp", "nonce")]
    if not all(values):
        raise CallbackRejected("missing msg_signature, timestamp or nonce", 400)
    return Signed(*values)


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The body, refusing (413) anything longer than `limit` bytes without reading it all."""
    if request.content_length is not None and request.content_length > limit:
        raise CallbackRejected("body too large", 413)
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise CallbackRejected("body too large", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def rejection(error: CallbackRejected) -> web.Response:
    log.warning("callback rejected (%d): %s", error.status, error)
    return web.Response(status=error.status, text=str(error))


Parse = Callable[[str], IncomingMessage | None]
"""Decrypted plaintext → the message to ingest, None to acknowledge and ignore (events); raises CallbackRejected."""


class CallbackEndpoint:
    """One callback URL: crypto for one receive id, a replay guard, a body limit."""

    def __init__(self, crypto: CallbackCrypto, guard: ReplayGuard, max_body: int) -> None:
        self.crypto = crypto
        self.guard = guard
        self.max_body = max_body

    async def verify_url(self, request: web.Request) -> web.Response:
        """GET: answer the decrypted echostr, as plain bytes (no quotes, no newline)."""
        try:
            signed = signed_query(request)
            # The query is URL-decoded, which turns a raw "+" into a space; base64 has no spaces.
            echostr = request.query.get("echostr", "").replace(" ", "+")
            if not echostr:
                raise CallbackRejected("missing echostr", 400)
            plaintext, _ = self.open(signed, echostr)
        except CallbackRejected as error:
            return rejection(error)
        return web.Response(body=plaintext.encode("utf-8"), content_type="text/plain")

    def open(self, signed: Signed, encrypted: str) -> tuple[str, bool]:
        """Verify the signature, then the timestamp window and nonce, then decrypt; also says whether the request
        is new (False: a replay of one already accepted)."""
        self.crypto.verify(signed.signature, signed.timestamp, signed.nonce, encrypted)
        fresh = self.guard.check(signed.timestamp, signed.nonce, signed.signature)
        return self.crypto.decrypt(encrypted), fresh

    async def receive(
        self,
        request: web.Request,
        ingest: Ingest,
        envelope: Callable[[bytes], str],
        parse: Parse,
    ) -> web.Response:
        """POST: read, open, parse, ingest, then answer 200 with an empty body."""
        try:
            signed = signed_query(request)
            body = await read_limited(request, self.max_body)
            plaintext, fresh = self.open(signed, envelope(body))
            message = parse(plaintext)
        except CallbackRejected as error:
            return rejection(error)
        if message is None or not fresh:
            # Events are acknowledged and ignored; a replayed request was stored the first time: answer, do nothing.
            return web.Response(status=200)
        return await _store(
            message, ingest, lambda: self.guard.forget(signed.timestamp, signed.nonce, signed.signature)
        )


async def _store(message: IncomingMessage, ingest: Ingest, on_failure: Callable[[], None]) -> web.Response:
    try:
        await ingest(message)
    except Exception as error:  # the store is down: WeCom retries on anything but 200
        log.error("ingest failed for %s message: %s", message.channel, type(error).__name__)
        on_failure()
        return web.Response(status=503, text="temporarily unavailable")
    return web.Response(status=200)
