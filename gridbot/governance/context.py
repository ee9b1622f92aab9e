"""What every service call works with: the unit of work, the rules' data, who acts, where, when, and the notices
the call produces (its outcome)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from gridbot.governance.actors import Actor, Place
from gridbot.governance.permissions import Action, Grant, Scope, grant_for
from gridbot.intents.catalog import Catalog
from gridbot.notices import Addressed, Notice
from gridbot.settings import Settings
from gridbot.storage.models.org import Group


@dataclass(slots=True)
class Context:
    session: Session
    settings: Settings
    catalog: Catalog
    now: datetime
    actor: Actor
    place: Place
    source_message_id: int | None = None  # the stored incoming message that asked for this, if any
    quiet: bool = False  # in quiet hours (night): what people do then @-mentions nobody unless urgent
    notices: list[Addressed] = field(default_factory=list)

    def grant(self, action: Action, scope: Scope) -> Grant | None:
        """The permission table's answer for this actor here (None: refused)."""
        return grant_for(self.actor, self.place, action, scope)

    def permits(self, action: Action, scope: Scope) -> bool:
        return self.grant(action, scope) is not None

    def reply(self, notice: Notice, *, mentions: Iterable[int] = (), urgent: bool = False) -> None:
        """Answer whoever asked (in chat: the group the message came from)."""
        self.notices.append(Addressed(notice, reply=True, mentions=self._ringing(mentions, urgent)))

    def post(self, group: Group | None, notice: Notice, *, mentions: Iterable[int] = (), urgent: bool = False) -> None:
        """Post into a group; a missing group (not in the organisation) is skipped."""
        if group is None or group.id is None:
            return
        self.notices.append(Addressed(notice, group_id=group.id, mentions=self._ringing(mentions, urgent)))

    def _ringing(self, mentions: Iterable[int], urgent: bool) -> tuple[int, ...]:
        """Who is @-mentioned: nobody at night for what people do about a non-urgent matter (the message still goes;
        the morning's reminders @ them). Timed notices are moved out of the night by the scheduler instead."""
        if self.quiet and not urgent and self.actor.person is not None:
            return ()
        return tuple(mentions)

    @property
    def replied(self) -> bool:
        return any(n.reply for n in self.notices)
