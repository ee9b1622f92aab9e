"""The AI bot's (智能机器人) JSON messages → IncomingMessage, for both the HTTP callback and the long connection.

In groups the bot only hears messages that @-mention it, and the text starts with that mention under the name the
bot has in WeCom. The parser recognises the mention by the bot's own name, so the leading mention is rewritten to
"@<bot name> ".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from gridbot.bot.messages import IncomingMessage

CHANNEL = "wecom_bot"
TEXT_TYPES = ("text", "mixed", "voice")  # voice arrives already transcribed (voice.content)
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
    """The text of a text, mixed (its text items) or voice message; None for anything else."""
    msgtype = body.get("msgtype")
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


def bot_message(
    body: dict[str, Any],
    *,
    sent_at: datetime,
    wecom_name: str,
    bot_name: str,
    reply: dict[str, str],
) -> IncomingMessage | None:
    """The message a callback body carries; None for events, stream refreshes and media (raises ValueError when
    a message lacks its ids). `reply` is what a reply needs later (response_url or the connection's req_id)."""
    text = message_text(body)
    clicked = card_click(body)
    if clicked is not None:
        text, card = clicked
        reply = {**reply, "card_task_id": card}
    if text is None:
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
        if clicked is None:
            text = normalise_mention(text, wecom_name, bot_name)
    return IncomingMessage(
        channel=CHANNEL,
        message_id=msgid,
        conversation=chat_id if group else userid,
        sender=userid,
        sent_at=sent_at,
        text=text,
        kind="text",
        payload={key: value for key, value in reply.items() if value},
        conversation_key="wecom_chat_id" if group else "userid",
        sender_key="userid",
        direct=not group,
    )


def _field(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(key, "")
    return node
