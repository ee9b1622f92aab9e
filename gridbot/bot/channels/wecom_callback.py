"""What the app and AI-bot callbacks share: URL verification and, for each message, the checks of
`inbound_checks` in their order: the body limit (413), the query's shape (400), the signature over the encrypted
text (403), the timestamp window (403) and replay check, decryption (400), the message's schema (400); then ingest
and answer (200 once stored; 503 only when the store is down; 4xx with a short reason, never a trace).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from gridbot.bot.channels.base import Ingest
from gridbot.bot.channels.inbound_checks import (
    Refused,
    check_nonce,
    hex_signature,
    ingest_or_refuse,
    read_limited,
    refusal,
    unix_timestamp,
)
from gridbot.bot.channels.wecom_crypto import CallbackCrypto, ReplayGuard
from gridbot.bot.messages import IncomingMessage

log = logging.getLogger(__name__)

ECHOSTR_MAX = 4096
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


@dataclass(frozen=True, slots=True)
class Signed:
    """The query of a callback: what the signature covers besides the encrypted text."""

    signature: str
    timestamp: str
    nonce: str


def signed_query(request: web.Request) -> Signed:
    """The signed query values, each of its expected shape: a sha1 hex digest (else 403), a timestamp of 1-12 ASCII
    digits and a short printable nonce (else 400)."""
    query = request.query
    values = [query.get(name, "") for name in ("msg_signature", "timestamp", "nonce")]
    if not all(values):
        raise Refused("missing msg_signature, timestamp or nonce", 400)
    signature, timestamp, nonce = values
    unix_timestamp(timestamp)
    check_nonce(nonce)
    hex_signature(signature, 40)
    return Signed(signature, timestamp, nonce)


def base64_text(value: str, limit: int) -> str:
    """Encrypted text as WeCom sends it (base64, bounded); anything else is a 400 before any hashing."""
    if len(value) > limit or not _BASE64.fullmatch(value):
        raise Refused("malformed encrypted text", 400)
    return value


PassiveAnswer = Callable[[IncomingMessage], Awaitable[str | None]]
"""The stored message → a passive reply's plaintext to answer the callback with, or None (answer empty)."""

Parse = Callable[[str], IncomingMessage | None]
"""Decrypted plaintext → the message to ingest, None to acknowledge and ignore (events); raises Refused."""


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
                raise Refused("missing echostr", 400)
            plaintext, _ = self.open(signed, base64_text(echostr, ECHOSTR_MAX))
        except Refused as error:
            return refusal(error)
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
        answer: PassiveAnswer | None = None,
    ) -> web.Response:
        """POST: read (bounded), check the query, extract the encrypted text (a bounded parse of the envelope: the
        signature covers that text, not the body's bytes), verify and open it, parse the message strictly, ingest,
        then answer 200 with an empty body, or with the encrypted passive reply `answer` gives (a tapped card)."""
        try:
            body = await read_limited(request, self.max_body)
            signed = signed_query(request)
            encrypted = base64_text(envelope(body), self.max_body)
            plaintext, fresh = self.open(signed, encrypted)
            message = parse(plaintext)
            if message is None or not fresh:
                # Events are acknowledged and ignored; a replayed request was stored the first time: answer, no more.
                return web.Response(status=200)
            try:
                await ingest_or_refuse(ingest, message)
            except Refused:  # the store refused the content: a retry of this request must get the same 400
                self.guard.forget(signed.timestamp, signed.nonce, signed.signature)
                raise
            except Exception as error:  # the store is down: WeCom retries on anything but 200
                log.error("ingest failed for %s message: %s", message.channel, type(error).__name__)
                self.guard.forget(signed.timestamp, signed.nonce, signed.signature)  # let WeCom's retry through
                return web.Response(status=503, text="temporarily unavailable")
            reply = await answer(message) if answer is not None else None
        except Refused as error:
            return refusal(error)
        if reply is not None:
            return self.passive(reply, signed.nonce)
        return web.Response(status=200)

    def passive(self, plaintext: str, nonce: str) -> web.Response:
        """A passive reply in the AI bot's JSON form: encrypted, signed, with its own timestamp."""
        timestamp = str(int(time.time()))
        encrypted, signed = self.crypto.encrypt(plaintext, nonce, timestamp)
        body = {"encrypt": encrypted, "msgsignature": signed, "timestamp": int(timestamp), "nonce": nonce}
        return web.json_response(body)
