"""The interface every channel adapter offers to the outbox sender."""

from __future__ import annotations

from typing import Protocol

from gridbot.bot.messages import OutgoingMessage


class DeliveryError(Exception):
    """Sending failed; `retry` says whether trying again later may help."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


class Channel(Protocol):
    name: str

    def can_deliver(self, message: OutgoingMessage) -> bool:
        """True when this channel knows how to reach the message's conversation."""
        ...

    async def send(self, message: OutgoingMessage) -> None:
        """Deliver one message or raise `DeliveryError`."""
        ...
