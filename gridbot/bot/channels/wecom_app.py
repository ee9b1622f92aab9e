"""The WeCom self-built app (自建应用).

Inbound: the XML callback at `/wecom/app`. The app only hears members' 1:1 messages, which is one way workers
send photos (`附图 E12`, then the images) and locations; an image's `MediaId` is fetched by `media/get` right
after the message is stored (`wecom_media.AppMedia`). Outbound: replies to those 1:1 messages by `message/send`,
and posts into groups the app created (`appchat_id` bindings) by `appchat/send`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import Any

from aiohttp import web

from gridbot.bot.channels.base import Ingest, Posts
from gridbot.bot.channels.inbound_checks import SENT_AT_AHEAD, SENT_AT_FLOOR, flat_xml
from gridbot.bot.channels.wecom_api import AppApi
from gridbot.bot.channels.wecom_callback import CallbackEndpoint
from gridbot.bot.channels.wecom_crypto import CallbackRejected
from gridbot.bot.channels.wecom_schemas import APP_KINDS, app_message
from gridbot.bot.channels.wecom_text import TEXT_LIMIT, split_text
from gridbot.bot.messages import IncomingImage, IncomingMessage, OutgoingMessage
from gridbot.clock import Clock, SystemClock

log = logging.getLogger(__name__)

CHANNEL = "wecom_app"


def envelope(body: bytes) -> str:
    """The `Encrypt` field of the callback's XML body, by `flat_xml` (no DOCTYPE, no entities, bounded depth):
    WeCom signs this field, so it is read before the signature is checked, and nothing else of the body is kept."""
    encrypted = flat_xml(body).get("Encrypt", "")
    if not encrypted:
        raise CallbackRejected("no Encrypt in the body", 400)
    return encrypted


def parse_app_message(plaintext: str, now: datetime) -> IncomingMessage | None:
    """A text, image or location message from a 1:1 chat; None for events and other types. The XML is read by
    `flat_xml`, the message checked by its schema (a sender, a MsgId, the fields of its kind: 400 otherwise).
    A CreateTime out of range (before 2000, more than a day ahead of `now`) gives way to the time of receipt."""
    fields = flat_xml(plaintext)
    if fields.get("MsgType") not in APP_KINDS:
        return None
    parsed = app_message(fields)
    created = int(parsed.CreateTime)  # up to 12 digits: compared as a number first, fromtimestamp would overflow
    in_range = SENT_AT_FLOOR.timestamp() <= created <= (now + SENT_AT_AHEAD).timestamp()
    sent_at = datetime.fromtimestamp(created, UTC) if in_range else now
    kind = parsed.MsgType
    text = ""
    payload: dict[str, Any] = {}
    images: tuple[IncomingImage, ...] = ()
    if kind == "text":
        if parsed.Content is None:
            raise CallbackRejected("text message without Content", 400)
        text = parsed.Content
    elif kind == "image":
        if not parsed.MediaId:
            raise CallbackRejected("image message without MediaId", 400)
        payload = {"media_id": parsed.MediaId, "pic_url": parsed.PicUrl or ""}
        # fetched right after it is stored, by media/get (wecom_media.AppMedia); the MediaId lasts three days
        images = (IncomingImage(CHANNEL, parsed.MediaId),)
    else:
        lat, lng = _coordinate(parsed.Location_X, 90), _coordinate(parsed.Location_Y, 180)
        label = parsed.Label or ""
        payload = {"lat": lat, "lng": lng, "label": label}
        text = label
    return IncomingMessage(
        channel=CHANNEL,
        message_id=parsed.MsgId,
        conversation=parsed.FromUserName,
        sender=parsed.FromUserName,
        sent_at=sent_at,
        text=text,
        kind=kind,
        payload=payload,
        conversation_key="userid",
        sender_key="userid",
        direct=True,
        images=images,
    )


def _coordinate(value: str | None, bound: float) -> float:
    if value is None or not -bound <= float(value) <= bound:
        raise CallbackRejected("location without valid coordinates", 400)
    return float(value)


class AppInbound:
    """The `/wecom/app` callback (receive id = corp id)."""

    name = CHANNEL
    path = "/wecom/app"

    def __init__(self, endpoint: CallbackEndpoint, clock: Clock | None = None) -> None:
        self.endpoint = endpoint
        self.clock = clock or SystemClock()

    def parse(self, plaintext: str) -> IncomingMessage | None:
        return parse_app_message(plaintext, self.clock.now())

    def routes(self, ingest: Ingest) -> list[web.RouteDef]:
        async def receive(request: web.Request) -> web.Response:
            return await self.endpoint.receive(request, ingest, envelope, self.parse)

        return [web.get(self.path, self.endpoint.verify_url), web.post(self.path, receive)]


class AppChannel:
    """Sends as the app: 1:1 replies to the app's own callbacks, and posts into app-created groups."""

    name = "app"
    answers = CHANNEL  # replies to messages that came in as `wecom_app` go back this way
    rings = False

    def __init__(self, api: AppApi, agent_id: str) -> None:
        self.api = api
        self.agent_id = int(agent_id)

    @staticmethod
    def _direct_user(message: OutgoingMessage) -> str | None:
        reply = message.reply_to
        if reply is not None and reply.channel == CHANNEL and reply.direct and reply.sender:
            return reply.sender
        return None

    def can_deliver(self, message: OutgoingMessage) -> bool:
        return self._direct_user(message) is not None or bool(message.bindings.get("appchat_id"))

    def target(self, message: OutgoingMessage) -> str:
        return self._direct_user(message) or message.bindings["appchat_id"]

    async def send(self, message: OutgoingMessage, posts: Posts | None = None) -> None:
        posts = posts or Posts()
        if message.image_png:
            # Images need media/upload first; groups get them through the robot instead.
            log.info("image not sent by the app (outbox %s): the app channel sends text only", message.outbox_id)
        userid = self._direct_user(message)
        if userid is not None:
            # No enable_duplicate_check: the same short reply ("收到") may rightly go twice within 30 minutes.
            for piece in split_text(message.text, TEXT_LIMIT):
                body = {"touser": userid, "agentid": self.agent_id, "msgtype": "text", "text": {"content": piece}}
                await posts.post(partial(self.api.post, "message/send", body))
            return
        chat_id = message.bindings["appchat_id"]
        # appchat text has no mentioned_list: name the people so they see it is for them.
        names = " ".join(f"@{name}" for name in message.mentions)
        text = f"{names} {message.text}" if names else message.text
        for piece in split_text(text, TEXT_LIMIT):
            body = {"chatid": chat_id, "msgtype": "text", "text": {"content": piece}, "safe": 0}
            await posts.post(partial(self.api.post, "appchat/send", body))
