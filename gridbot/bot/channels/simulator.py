"""The in-memory channel used by `gridbot scenario`, `gridbot chat` and tests: it keeps what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridbot.bot.channels.base import Posts
from gridbot.bot.messages import OutgoingMessage


@dataclass(frozen=True, slots=True)
class Delivered:
    conversation: str
    text: str
    mentions: tuple[str, ...]
    in_reply_to: int | None


@dataclass
class SimulatorChannel:
    """Delivers every message into a transcript, in order."""

    name: str = "simulator"
    rings: bool = True
    transcript: list[Delivered] = field(default_factory=list)

    def can_deliver(self, message: OutgoingMessage) -> bool:
        return True

    def target(self, message: OutgoingMessage) -> str:
        return message.conversation

    async def send(self, message: OutgoingMessage, posts: Posts | None = None) -> None:
        delivered = Delivered(message.conversation, message.text, message.mentions, message.in_reply_to)

        async def keep() -> None:
            self.transcript.append(delivered)

        await (posts or Posts()).post(keep)

    def render(self, delivered: Delivered) -> str:
        """How a group member would see it: mentions first, then the text."""
        mentions = " ".join(f"@{name}" for name in delivered.mentions)
        return f"{mentions} {delivered.text}".strip()
