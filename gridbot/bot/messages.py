"""Channel-neutral messages: what adapters produce and consume (platform types never leave bot/channels/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class IncomingImage:
    """An image a message carries, as its channel names it: `source` is the channel that fetches it (its
    `MediaFetcher.source`), `locator` what it is fetched by (a download URL, a media id). `key` is what decrypts it
    when the message gives one (the AI bot's long connection gives one per image); it lives only in memory, for
    the fetch right after the message is stored, and is never written to the store."""

    source: str
    locator: str
    key: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message as received.

    `conversation` names the group: by its name (`conversation_key="name"`, the simulator) or by a channel
    target such as a WeCom chat id (`conversation_key="wecom_chat_id"`, `"gateway_room"`, `"appchat_id"`).
    `sender` is a WeCom userid (`sender_key="userid"`) or, in the simulator, a person's name. `direct` marks a
    1:1 chat with the bot (the self-built app's callback). `payload` keeps what a reply needs later
    (e.g. the AI bot's `response_url`) and what the message carries (image media id, location, the text of a
    quoted message under `quote`). `images` are the images to fetch: an image message's one, or those of a text
    with images in it (an AI-bot mixed message, whose `kind` stays "text").
    """

    channel: str
    message_id: str
    conversation: str
    sender: str
    sent_at: datetime
    text: str = ""
    kind: str = "text"  # text | image | location
    payload: dict[str, Any] = field(default_factory=dict)
    conversation_key: str = "name"
    sender_key: str = "name"
    direct: bool = False
    images: tuple[IncomingImage, ...] = ()


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """Where the message being answered came from (for replies through the same channel)."""

    channel: str
    conversation: str
    sender: str
    direct: bool
    received_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    sender_name: str = ""  # the person's name in the organisation, when known


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message to send: where, what, and whom to @-mention (names and WeCom userids).

    `bindings` are the target group's channel bindings (wecom_chat_id, robot_key, appchat_id, gateway_room);
    `reply_to` is set when the message answers an incoming one. `image_png` is a base64 PNG sent after the text
    where the channel takes images.
    """

    outbox_id: int
    conversation: str
    text: str
    mentions: tuple[str, ...] = ()
    mention_userids: tuple[str, ...] = ()
    bindings: dict[str, str] = field(default_factory=dict)
    reply_to: ReplyContext | None = None
    in_reply_to: int | None = None
    image_png: str | None = None
    buttons: tuple[tuple[str, str], ...] = ()  # (label, command) one-tap actions, for channels that show cards
    via: str | None = None  # the channel this message must go through, when its row says so
    kind: str = ""  # the notice's kind (`dispatched_to_department`), for routing by kind
