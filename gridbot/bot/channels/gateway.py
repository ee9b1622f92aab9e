"""The JSON gateway for bridges that connect other chat clients (docs/gateway.md).

Inbound: `POST /gateway/messages`, signed `X-Gridbot-Signature: hex(HMAC-SHA256(secret, timestamp + "." + body))`
with `X-Gridbot-Timestamp` (unix seconds, ±300 s); deduplicated on the bridge's `message_id`.
Outbound: `POST {gateway_url}` with the same headers over our JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web

from gridbot.bot.channels.base import DeliveryError, Ingest, Posts
from gridbot.bot.messages import IncomingMessage, OutgoingMessage
from gridbot.clock import SHANGHAI

SIGNATURE_HEADER = "X-Gridbot-Signature"
TIMESTAMP_HEADER = "X-Gridbot-Timestamp"
WINDOW_SECONDS = 300
KINDS = ("text", "image", "location")


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
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > WINDOW_SECONDS:
            raise web.HTTPForbidden(text="timestamp outside the window")
        expected = sign(self.secret, timestamp, body)
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
            raise web.HTTPForbidden(text="bad signature")
        # A replayed request within the window is harmless: it carries the same message id, which the inbox
        # deduplicates, and a bridge retrying after a lost answer must get its 200.

    async def receive(self, request: web.Request, ingest: Ingest) -> web.Response:
        if request.content_length is not None and request.content_length > self.max_body_bytes:
            raise web.HTTPRequestEntityTooLarge(max_size=self.max_body_bytes, actual_size=request.content_length)
        body = await request.content.read(self.max_body_bytes + 1)
        if len(body) > self.max_body_bytes:
            raise web.HTTPRequestEntityTooLarge(max_size=self.max_body_bytes, actual_size=len(body))
        self._verify(request.headers.get(TIMESTAMP_HEADER, ""), request.headers.get(SIGNATURE_HEADER, ""), body)
        try:
            incoming = self.parse(body)
        except (ValueError, KeyError, TypeError) as error:
            raise web.HTTPBadRequest(text=f"malformed message: {error}") from None
        try:
            new = await ingest(incoming)
        except Exception:
            raise web.HTTPServiceUnavailable(text="store unavailable, retry later") from None
        return web.json_response({"ok": True, "duplicate": not new})

    def parse(self, body: bytes) -> IncomingMessage:
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("body must be a JSON object")
        kind = str(data.get("kind", "text"))
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind}")
        message_id, sender = str(data["message_id"]), str(data["sender"])
        direct = bool(data.get("direct", False))
        room = str(data["room"]) if not direct else sender
        if not message_id or not sender or not room:
            raise ValueError("message_id, sender and room are required")
        text = data.get("text", "")
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        sent_at = (
            datetime.fromisoformat(data["sent_at"])
            if data.get("sent_at")
            else datetime.fromtimestamp(self.clock(), SHANGHAI)
        )
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=SHANGHAI)
        payload: dict[str, Any] = {
            key: data[key] for key in ("image_url", "media_id", "lat", "lng", "label") if key in data
        }
        return IncomingMessage(
            channel=self.name,
            message_id=message_id,
            conversation=room,
            sender=sender,
            sent_at=sent_at,
            text=text,
            kind=kind,
            payload=payload,
            conversation_key="gateway_room",
            sender_key="userid",
            direct=direct,
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
