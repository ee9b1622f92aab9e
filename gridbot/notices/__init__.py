"""Every sentence the bot says, as typed notice values (one module per topic) with their Chinese wording.

Neutral ground: governance, schedules, the chat side and the console all create or render notices from here;
nothing here decides anything. `render` gives a notice's text; personal data is masked by the outbox writer.
"""

from gridbot.notices.base import Addressed, Button, Notice


def render(notice: Notice) -> str:
    return notice.text().strip()


__all__ = ["Addressed", "Button", "Notice", "render"]
