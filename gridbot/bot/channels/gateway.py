"""The JSON gateway for bridges that connect other chat clients (docs/gateway.md).

Inbound: `POST /gateway/messages`, signed `X-Gridbot-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))`
with `X-Gridbot-Timestamp` (unix seconds, ±300 s); deduplicated on the bridge's `message_id`.
Outbound: `POST {gateway_url}` with the same headers over our JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import aiohttp
from aiohttp import web
from pydantic import Field, StringConstraints, model_validator

from gridbot.bot.channels.base import DeliveryError, Ingest, Posts
from gridbot.bot.channels.inbound_checks import (
    Id,
    Refused,
    Short,
    Strict,
    Text,
    Url,
    hex_signature,
    ingest_or_refuse,
    parse_schema,
    read_limited,
    refusal,
    sent_at_or_receipt,
    unix_timestamp,
)
from gridbot.bot.messages import IncomingMessage, OutgoingMessage
from gridbot.clock import SHANGHAI

SIGNATURE_HEADER = "X-Gridbot-Signature"
TIMESTAMP_HEADER = "X-Gridbot-Timestamp"
WINDOW_SECONDS = 300

log = logging.getLogger(__name__)


class GatewayMessage(Strict):
    """The body of `POST /gateway/messages` (docs/gateway.md): strict JSON types, bounded lengths, coordinates in
    range; unknown fields are ignored. `room` is required unless the chat is direct."""

    message_id: Id
    sender: Id
    room: Id | None = None
    text: Text | None = None
    kind: Literal["text", "image", "location"] = "text"
    sent_at: Annotated[str, StringConstraints(max_length=64)] | None = None
    direct: bool = False
    image_url: Url | None = None
    media_id: Id | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lng: Annotated[float, Field(ge=-180, le=180)] | None = None
    label: Short | None = None

    @model_validator(mode="after")
    def _room_unless_direct(self) -> GatewayMessage:
        if not self.direct and self.room is None:
            raise ValueError("room is required unless direct")
        return self


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


class GatewayChannel:
    name = "gateway"
    rings = True  # the bridge receives the mentions and renders them as its platform does

    def __init__(
        self,
        secret: str,
        url: str,
        http: aiohttp.ClientSession | None,
        *,
        max_body_bytes: int = 1_000_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret
        self.url = url
        self.http = http
        self.max_body_bytes = max_body_bytes
        self.clock = clock

    # ---- inbound ----

    def routes(self, ingest: Ingest) -> list[web.RouteDef]:
        async def receive(request: web.Request) -> web.Response:
            return await self.receive(request, ingest)

        return [web.post("/gateway/messages", receive)]

    def _verify(self, timestamp: str, signature: str, body: bytes) -> None:
        """The timestamp's shape (400), the signature over the raw body (403), then the window (403)."""
        moment = unix_timestamp(timestamp)
        hex_signature(signature, 64)
        expected = sign(self.secret, timestamp, body)
        if not hmac.compare_digest(expected, signature):
            raise Refused("bad signature", 403)
        if abs(self.clock() - moment) > WINDOW_SECONDS:
            raise Refused("timestamp outside the window", 403)
        # A replayed request within the window is harmless: it carries the same message id, which the inbox
        # deduplicates, and a bridge retrying after a lost answer must get its 200.

    async def receive(self, request: web.Request, ingest: Ingest) -> web.Response:
        """Size (413), signature (403), schema (400), then store: 200 once stored, 503 only when the store is down
        (the bridge retries), 400 for anything the bridge must not send again as it is."""
        try:
            body = await read_limited(request, self.max_body_bytes)
            self._verify(request.headers.get(TIMESTAMP_HEADER, ""), request.headers.get(SIGNATURE_HEADER, ""), body)
            incoming = self.parse(body)
            try:
                new = await ingest_or_refuse(ingest, incoming)
            except Refused:
                raise
            except Exception as error:
                log.error("ingest failed for a gateway message: %s", type(error).__name__)
                return web.Response(status=503, text="store unavailable, retry later")
        except Refused as error:
            return refusal(error)
        return web.json_response({"ok": True, "duplicate": not new})

    def parse(self, body: bytes) -> IncomingMessage:
        """The body checked by `GatewayMessage` (400 otherwise); a `sent_at` out of range becomes the time of
        receipt."""
        data = parse_schema(GatewayMessage, body)
        received = datetime.fromtimestamp(self.clock(), SHANGHAI)
        sent_at = received
        if data.sent_at:
            try:
                sent_at = datetime.fromisoformat(data.sent_at)
            except ValueError:
                raise Refused("malformed message: sent_at: not an ISO 8601 time", 400) from None
            if sent_at.tzinfo is None:
                sent_at = sent_at.replace(tzinfo=SHANGHAI)
            sent_at = sent_at_or_receipt(sent_at, received)
        payload = data.model_dump(include={"image_url", "media_id", "lat", "lng", "label"}, exclude_none=True)
        return IncomingMessage(
            channel=self.name,
            message_id=data.message_id,
            conversation=data.sender if data.direct else (data.room or ""),
            sender=data.sender,
            sent_at=sent_at,
            text=data.text or "",
            kind=data.kind,
            payload=payload,
            conversation_key="gateway_room",
            sender_key="userid",
            direct=data.direct,
        )

    # ---- outbound ----

    def can_deliver(self, message: OutgoingMessage) -> bool:
        if not self.url or self.http is None:
            return False
        if message.reply_to is not None and message.reply_to.channel == self.name:
            return True
        return "gateway_room" in message.bindings

    def target(self, message: OutgoingMessage) -> str:
        if message.reply_to is not None and message.reply_to.channel == self.name:
            return message.reply_to.conversation
        return message.bindings.get("gateway_room", "")

    async def send(self, message: OutgoingMessage, posts: Posts | None = None) -> None:
        await (posts or Posts()).post(lambda: self._post(message))

    async def _post(self, message: OutgoingMessage) -> None:
        assert self.http is not None
        payload: dict[str, Any] = {
            "id": message.outbox_id,
            "room": self.target(message),
            "direct": bool(message.reply_to and message.reply_to.direct and message.reply_to.channel == self.name),
            "text": message.text,
            "mentions": list(message.mentions),
            "mention_userids": list(message.mention_userids),
        }
        if message.image_png:
            payload["image_png"] = message.image_png
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self.secret, timestamp, body),
        }
        try:
            async with self.http.post(
                self.url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as r:
                if r.status >= 500 or r.status == 429:
                    raise DeliveryError(f"bridge answered {r.status}", retry=True, throttled=r.status == 429)
                if r.status >= 400:
                    raise DeliveryError(
                        f"bridge refused the message ({r.status})", retry=False, config=r.status in (401, 403, 404)
                    )
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(f"bridge unreachable: {type(error).__name__}", retry=True) from None
