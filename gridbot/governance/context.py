"""What every rule receives: the session, the moment, who acts, where, and where notices go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from gridbot.intents.catalog import Catalog
from gridbot.notices import Addressed, Notice
from gridbot.settings import Settings
from gridbot.storage.models.events import InboxMessage
from gridbot.storage.models.org import Group, GroupKind, Person, Role, RoleAssignment


@dataclass(frozen=True, slots=True)
class Actor:
    person: Person
    roles: tuple[RoleAssignment, ...]

    @property
    def id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    def holds(self, role: Role, **scope: int | None) -> bool:
        """True when the actor holds `role` with every given scope column equal."""
        return any(
            a.role == role.value and all(getattr(a, key) == value for key, value in scope.items()) for a in self.roles
        )

    def scopes(self, role: Role, key: str) -> set[int]:
        return {getattr(a, key) for a in self.roles if a.role == role.value and getattr(a, key) is not None}


@dataclass(slots=True)
class Context:
    session: Session
    now: datetime
    settings: Settings
    catalog: Catalog
    actor: Actor | None = None
    group: Group | None = None
    message: InboxMessage | None = None
    notices: list[Addressed] = field(default_factory=list)

    @property
    def place_kind(self) -> GroupKind | None:
        return GroupKind(self.group.kind) if self.group is not None else None

    def reply(self, notice: Notice, *, mentions: Iterable[int] = ()) -> None:
        self.notices.append(Addressed(notice, reply=True, mentions=tuple(mentions)))

    def post(self, group: Group | None, notice: Notice, *, mentions: Iterable[int] = ()) -> None:
        """Post into a group; a missing group (not in the organisation) is skipped."""
        if group is None or group.id is None:
            return
        if self.group is not None and group.id == self.group.id and self.message is not None:
            # A post into the group the message came from is part of the answer to it.
            self.notices.append(Addressed(notice, reply=True, mentions=tuple(mentions)))
            return
        self.notices.append(Addressed(notice, group_id=group.id, mentions=tuple(mentions)))

    @property
    def replied(self) -> bool:
        return any(n.reply for n in self.notices)
