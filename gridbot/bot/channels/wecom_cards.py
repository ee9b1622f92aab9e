"""Template cards (模板卡片) of the AI bot: a notice with one-tap buttons as a `button_interaction` card, and the card
a click turns it into (a `text_notice` saying who did what). Built from the documented fields (main_title ≤ 26
characters, sub_title_text ≤ 112, at most 6 buttons, task_id of letters, digits and _-@, unique per bot)."""

from __future__ import annotations

from typing import Any

from gridbot.bot.messages import OutgoingMessage

TITLE_LIMIT = 26
DESC_LIMIT = 30
SUBTITLE_LIMIT = 112
BUTTON_LIMIT = 6


def task_id(outbox_id: int) -> str:
    return f"gridbot-{outbox_id}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title_and_body(text: str) -> tuple[str, str]:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "", ""
    return lines[0], "\n".join(lines[1:])


def button_card(message: OutgoingMessage) -> dict[str, Any]:
    """The card of a message with buttons; each button's key is the command a tap stands for."""
    title, body = _title_and_body(message.text)
    return {
        "card_type": "button_interaction",
        "main_title": {"title": _clip(title, TITLE_LIMIT)},
        "sub_title_text": _clip(body, SUBTITLE_LIMIT),
        "button_list": [
            {"text": label, "key": command, "style": 1} for label, command in message.buttons[:BUTTON_LIMIT]
        ],
        "task_id": task_id(message.outbox_id),
    }


def answered_card(card_task_id: str, answer: str, who: str) -> dict[str, Any]:
    """What the clicked card becomes: the bot's answer, and who tapped."""
    title, body = _title_and_body(answer)
    return {
        "card_type": "text_notice",
        "main_title": {"title": _clip(title, TITLE_LIMIT), "desc": _clip(who, DESC_LIMIT)},
        "sub_title_text": _clip(body or title, SUBTITLE_LIMIT),
        "task_id": card_task_id,
    }
