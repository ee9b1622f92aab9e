"""The AI bot's (智能机器人) JSON messages → IncomingMessage, for both the HTTP callback and the long connection.

In groups the bot only hears messages that @-mention it, and the text starts with that mention under the name the
bot has in WeCom. The parser recognises the mention by the bot's own name, so the leading mention is rewritten to
"@<bot name> ".

Images: a `mixed` message (text and images, in a group when it @-mentions the bot) keeps its text as a text
message and carries its images; an `image` message (1:1 chats only), or a mixed one that says nothing but the
mention, is an image message. Each image is its download `url` (valid five minutes, encrypted) and, on the long
connection, its own `aeskey`; `wecom_media.py` fetches them. A `quote` (the message replied to) is kept in the
payload as {"msgtype", "text"}; the message's own text is unchanged.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from gridbot.bot.messages import IncomingImage, IncomingMessage

CHANNEL = "wecom_bot"
_LEADING_MENTION = re.compile(r"^\s*@\S+\s*")


def normalise_mention(text: str, wecom_name: str, bot_name: str) -> str:
    """Replace a leading "@<name in WeCom>" (or any leading "@word") by "@<bot name> "."""
    stripped = text.lstrip()
    if wecom_name and stripped.startswith(f"@{wecom_name}"):
        return f"@{bot_name} {stripped[len(wecom_name) + 1 :].lstrip()}"
    if _LEADING_MENTION.match(stripped):
        return _LEADING_MENTION.sub(f"@{bot_name} ", stripped, count=1)
    return text


def message_text(body: dict[str, Any]) -> str | None:
    """The text of a text, mixed (its text items) or voice message, "" for an image; None for anything else."""
    msgtype = body.get("msgtype")
    if msgtype == "image":
        return ""
    if msgtype == "text":
        return str(_field(body, "text", "content"))
    if msgtype == "voice":
        return str(_field(body, "voice", "content"))
    if msgtype == "mixed":
        items = _field(body, "mixed", "msg_item") or []
        parts = [str(_field(item, "text", "content")) for item in items if isinstance(item, dict)]
        return "".join(part for part in parts if part)
    return None


def card_click(body: dict[str, Any]) -> tuple[str, str] | None:
    """A tap on a card's button (`template_card_event`): the command the button stands for, and the card's task id.
    The event's fields sit in `event` (the SDK) or in `event.template_card_event` (the HTTP callback's docs)."""
    if body.get("msgtype") != "event":
        return None
    event = body.get("event")
    if not isinstance(event, dict) or event.get("eventtype") != "template_card_event":
        return None
    inner = event.get("template_card_event")
    fields = inner if isinstance(inner, dict) else event
    key, task = str(fields.get("event_key") or ""), str(fields.get("task_id") or "")
    return (key, task) if key and task else None


def message_images(body: dict[str, Any]) -> tuple[IncomingImage, ...]:
    """The image of an image message, or the image items of a mixed one in their order (those with a link)."""
    msgtype = body.get("msgtype")
    if msgtype == "image":
        nodes = [body.get("image")]
    elif msgtype == "mixed":
        items = _field(body, "mixed", "msg_item") or []
        nodes = [item.get("image") for item in items if isinstance(item, dict) and item.get("msgtype") == "image"]
    else:
        return ()
    return tuple(
        IncomingImage(CHANNEL, str(node.get("url")), key=str(node.get("aeskey") or ""))
        for node in nodes
        if isinstance(node, dict) and node.get("url")
    )


def quoted(body: dict[str, Any]) -> dict[str, str] | None:
    """What the quoted message said: its type and its text (a quoted image or file has none)."""
    quote = body.get("quote")
    if not isinstance(quote, dict):
        return None
    return {"msgtype": str(quote.get("msgtype") or ""), "text": message_text(quote) or ""}


def _says_more_than_the_mention(text: str, bot_name: str) -> bool:
    rest = text.strip()
    if rest.startswith(f"@{bot_name}"):
        rest = rest[len(bot_name) + 1 :].strip()
    return bool(rest)


def bot_message(
    body: dict[str, Any],
    *,
    sent_at: datetime,
    wecom_name: str,
    bot_name: str,
    reply: dict[str, str],
) -> IncomingMessage | None:
    """The message a callback body carries; None for events, stream refreshes, files and an image without a link
    (raises ValueError when a message lacks its ids). `reply` is what a reply needs later (response_url or the
    connection's req_id)."""
    text = message_text(body)
    clicked = card_click(body)
    if clicked is not None:
        text, card = clicked
        reply = {**reply, "card_task_id": card}
    images = message_images(body)
    if text is None or (body.get("msgtype") == "image" and not images):
        return None
    msgid = str(body.get("msgid") or "")
    userid = str(_field(body, "from", "userid") or "")
    if not msgid or not userid:
        raise ValueError("message without msgid or from.userid")
    group = body.get("chattype") == "group"
    if group:
        chat_id = str(body.get("chatid") or "")
        if not chat_id:
            raise ValueError("group message without chatid")
        if clicked is None:  # a tap's text is the button's command, not something typed after a mention
            text = normalise_mention(text, wecom_name, bot_name)
    payload: dict[str, Any] = {key: value for key, value in reply.items() if value}
    quote = quoted(body)
    if quote is not None:
        payload["quote"] = quote
    return IncomingMessage(
        channel=CHANNEL,
        message_id=msgid,
        conversation=chat_id if group else userid,
        sender=userid,
        sent_at=sent_at,
        text=text,
        kind="image" if images and not _says_more_than_the_mention(text, bot_name) else "text",
        payload=payload,
        conversation_key="wecom_chat_id" if group else "userid",
        sender_key="userid",
        direct=not group,
        images=images,
    )


def _field(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(key, "")
    return node
