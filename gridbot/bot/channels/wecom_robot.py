"""The group robot webhook (群机器人): send-only, one robot per group, about 20 messages a minute each.

A text up to 2048 bytes goes as one text message with `mentioned_list`; longer texts go as markdown pieces of
up to 4096 bytes (fewer messages against the robot's rate limit), the mentions written inline as `<@userid>`.
An image follows the text as base64 + md5 of the raw PNG.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from functools import partial
from typing import Any

from gridbot.bot.channels.base import Posts
from gridbot.bot.channels.wecom_api import WeComHttp
from gridbot.bot.channels.wecom_text import MARKDOWN_LIMIT, TEXT_LIMIT, split_text, utf8_len
from gridbot.bot.messages import OutgoingMessage

log = logging.getLogger(__name__)

IMAGE_LIMIT = 2 * 1024 * 1024  # raw bytes, before base64


def robot_payloads(message: OutgoingMessage) -> list[dict[str, Any]]:
    """The webhook bodies for one message, in order."""
    payloads: list[dict[str, Any]] = []
    mentioned = list(dict.fromkeys(message.mention_userids))
    if utf8_len(message.text) <= TEXT_LIMIT:
        pieces = split_text(message.text, TEXT_LIMIT)
        for index, piece in enumerate(pieces):
            text: dict[str, Any] = {"content": piece}
            if index == 0 and mentioned:
                text["mentioned_list"] = mentioned
            payloads.append({"msgtype": "text", "text": text})
    else:
        prefix = " ".join(f"<@{userid}>" for userid in mentioned)
        body = f"{prefix}\n{message.text}" if prefix else message.text
        payloads.extend(
            {"msgtype": "markdown", "markdown": {"content": piece}} for piece in split_text(body, MARKDOWN_LIMIT)
        )
    image = image_payload(message.image_png) if message.image_png else None
    if image is not None:
        payloads.append(image)
    return payloads


def image_payload(image_png: str) -> dict[str, Any] | None:
    """The image body, or None (logged) when the image is not base64 or too large: the text still goes out."""
    try:
        raw = base64.b64decode(image_png, validate=True)
    except (binascii.Error, ValueError):
        log.warning("robot image skipped: not base64")
        return None
    if len(raw) > IMAGE_LIMIT:
        log.warning("robot image skipped: %d bytes is over the 2 MB limit", len(raw))
        return None
    return {
        "msgtype": "image",
        "image": {"base64": base64.b64encode(raw).decode("ascii"), "md5": hashlib.md5(raw).hexdigest()},
    }


class RobotChannel:
    """Posts into groups bound with a `robot_key` (and replies there when no better path exists)."""

    name = "robot"
    rings = True

    def __init__(self, api: WeComHttp) -> None:
        self.api = api

    def can_deliver(self, message: OutgoingMessage) -> bool:
        return bool(message.bindings.get("robot_key"))

    def target(self, message: OutgoingMessage) -> str:
        return message.bindings["robot_key"]

    async def send(self, message: OutgoingMessage, posts: Posts | None = None) -> None:
        posts = posts or Posts()
        key = self.target(message)
        url = self.api.url("webhook/send")
        for payload in robot_payloads(message):
            await posts.post(partial(self.api.call, "POST", url, params={"key": key}, body=payload))
