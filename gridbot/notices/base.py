"""What a notice is: a typed value whose `text()` is the Chinese wording, and where it goes."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


class Notice:
    """A message the bot sends, as a typed value (its fields are the data; `text()` the wording).

    Subclasses are frozen dataclasses, one per kind of message, grouped by topic in this package. Governance and
    schedules create them; the outbox writer renders them; the console may show them as they are.
    """

    __slots__ = ()

    def text(self) -> str:
        raise NotImplementedError

    @classmethod
    def kind(cls) -> str:
        """A stable name of the kind of message (`NoPermission` → `no_permission`), kept on the outbox row."""
        return _WORD_START.sub("_", cls.__name__).lower()

    @property
    def key(self) -> str:
        return self.kind()

    def attachment(self) -> str | None:
        """A base64 PNG sent with the text (digest charts); most notices have none."""
        return None

    def buttons(self) -> tuple[Button, ...]:
        """One-tap actions for channels that show cards; each is exactly what people would type instead."""
        return ()


@dataclass(frozen=True, slots=True)
class Button:
    """A card button: its label, and the command it stands for (`签收 E12`): a tap is that message, typed."""

    text: str
    command: str


@dataclass(frozen=True, slots=True)
class Addressed:
    """A notice with where it goes: back to whoever asked (`reply`), or into a group, with @-mentions (person ids)."""

    notice: Notice
    group_id: int | None = None
    reply: bool = False
    mentions: tuple[int, ...] = ()
