"""Channel-neutral messages: what adapters produce and consume (platform types never leave bot/channels/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message as received.

    `conversation` names the group: by its name (`conversation_key="name"`, the simulator) or by a channel
    target such as a WeCom chat id (`conversation_key="wecom_chat_id"`). `sender` is a WeCom userid
    (`sender_key="userid"`) or, in the simulator, a person's name.
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
    direct: bool = False  # a 1:1 chat with the bot rather than a group


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message to send: where, what, and whom to @-mention (names and userids)."""

    outbox_id: int
    conversation: str
    text: str
    mentions: tuple[str, ...] = ()
    mention_userids: tuple[str, ...] = ()
    bindings: dict[str, str] = field(default_factory=dict)
    reply_channel: str | None = None
    in_reply_to: int | None = None
