"""The WeCom self-built app (自建应用).

Inbound: the XML callback at `/wecom/app`. The app only hears members' 1:1 messages, which is one way workers
send photos (`附图 E12`, then the images) and locations; an image's `MediaId` is fetched by `media/get` right
after the message is stored (`wecom_media.AppMedia`). Outbound: replies to those 1:1 messages by `message/send`,
and posts into groups the app created (`appchat_id` bindings) by `appchat/send`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

import xmltodict  # no stubs (mypy override in pyproject.toml); a wechatpy dependency
from aiohttp import web
from wechatpy.enterprise import parse_message

from gridbot.bot.channels.base import Ingest, Posts
from gridbot.bot.channels.wecom_api import AppApi
from gridbot.bot.channels.wecom_callback import CallbackEndpoint
from gridbot.bot.channels.wecom_crypto import CallbackRejected
from gridbot.bot.channels.wecom_text import TEXT_LIMIT, split_text
from gridbot.bot.messages import IncomingImage, IncomingMessage, OutgoingMessage

log = logging.getLogger(__name__)

CHANNEL = "wecom_app"


def envelope(body: bytes) -> str:
    """The `Encrypt` field of the callback's XML body (xmltodict refuses entity declarations)."""
    try:
        document = xmltodict.parse(body)
        encrypted = document["xml"]["Encrypt"]
    except Exception:  # ExpatError, ValueError("entities are disabled"), KeyError, TypeError
        raise CallbackRejected("malformed XML body", 400) from None
    if not isinstance(encrypted, str) or not encrypted:
        raise CallbackRejected("no Encrypt in the body", 400)
    return encrypted


def parse_app_message(plaintext: str) -> IncomingMessage | None:
    """A text, image or location message from a 1:1 chat; None for events and other types."""
    try:
        parsed = parse_message(plaintext)
        kind = str(parsed.type)
        if kind not in ("text", "image", "location"):
            return None
        userid = str(parsed.source)
        message_id = str(parsed.id)
        sent_at: datetime = parsed.create_time
        text = ""
        payload: dict[str, Any] = {}
        images: tuple[IncomingImage, ...] = ()
        if kind == "text":
            text = str(parsed.content or "")
        elif kind == "image":
            payload = {"media_id": str(parsed.media_id or ""), "pic_url": str(parsed.image or "")}
            # fetched right after it is stored, by media/get (wecom_media.AppMedia); the MediaId lasts three days
            images = (IncomingImage(CHANNEL, payload["media_id"]),)
        else:
            label = str(parsed.label or "")
            payload = {"lat": float(parsed.location_x), "lng": float(parsed.location_y), "label": label}
            text = label
    except Exception:  # bad XML, entities, missing or malformed fields
        raise CallbackRejected("malformed message", 400) from None
    if not userid or not message_id or message_id == "None":
        raise CallbackRejected("message without sender or MsgId", 400)
    return IncomingMessage(
        channel=CHANNEL,
        message_id=message_id,
        conversation=userid,
        sender=userid,
        sent_at=sent_at,
        text=text,
        kind=kind,
        payload=payload,
        conversation_key="userid",
        sender_key="userid",
        direct=True,
        images=images,
    )


class AppInbound:
    """The `/wecom/app` callback (receive id = corp id)."""

    name = CHANNEL
    path = "/wecom/app"

    def __init__(self, endpoint: CallbackEndpoint) -> None:
        self.endpoint = endpoint

    def routes(self, ingest: Ingest) -> list[web.RouteDef]:
        async def receive(request: web.Request) -> web.Response:
            return await self.endpoint.receive(request, ingest, envelope, parse_app_message)

        return [web.get(self.path, self.endpoint.verify_url), web.post(self.path, receive)]


class AppChannel:
    """Sends as the app: 1:1 replies to the app's own callbacks, and posts into app-created groups."""

    name = "app"
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
