"""Who acts and where: the actor (a person and the roles they hold now, or the system) and the place (a group)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session

from gridbot.storage import org_repo
from gridbot.storage.models.org import Group, GroupKind, Person, Role, RoleAssignment

SYSTEM = "system"  # the pseudo-role of scheduled work and of imports run by the operator
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Actor:
    """A person with their current roles, or the system (no person) for scheduled work and imports."""

    person: Person | None
    roles: tuple[RoleAssignment, ...]

    @classmethod
    def of(cls, session: Session, person: Person) -> Actor:
        assert person.id is not None
        return cls(person, tuple(org_repo.current_roles(session, person.id)))

    @classmethod
    def system(cls) -> Actor:
        return cls(None, (RoleAssignment(person_id=0, role=SYSTEM, valid_from=_EPOCH),))

    @property
    def id(self) -> int:
        """The person's id (a person acting; the system never reaches code that asks)."""
        assert self.person is not None and self.person.id is not None
        return self.person.id

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person is not None else None

    @property
    def name(self) -> str:
        return self.person.name if self.person is not None else "系统"

    def holds(self, role: Role, **scope: int | None) -> bool:
        """True when the actor holds `role` with every given scope column equal."""
        return any(a.role == role.value and all(getattr(a, k) == v for k, v in scope.items()) for a in self.roles)

    def scopes(self, role: Role, key: str) -> set[int]:
        return {getattr(a, key) for a in self.roles if a.role == role.value and getattr(a, key) is not None}


class PlaceKind(StrEnum):
    """Where a message comes from: a group of one of the organisation's kinds, a 1:1 chat, or the system."""

    GRID = GroupKind.GRID.value
    DEPARTMENT = GroupKind.DEPARTMENT.value
    TOWN_CENTER = GroupKind.TOWN_CENTER.value
    DISTRICT_CENTER = GroupKind.DISTRICT_CENTER.value
    TOWN_LEADERS = GroupKind.TOWN_LEADERS.value
    DISTRICT_LEADERS = GroupKind.DISTRICT_LEADERS.value
    DIRECT = "direct"  # a 1:1 chat with the bot (the self-built app): no group, so only the role counts
    SYSTEM = "system"  # scheduled work and operator imports


@dataclass(frozen=True, slots=True)
class Place:
    """The place an action happens in: the group's kind and the ids of what it belongs to."""

    kind: PlaceKind
    group_id: int | None = None
    grid_id: int | None = None
    village_id: int | None = None
    department_id: int | None = None
    town_id: int | None = None
    district_id: int | None = None

    @classmethod
    def of_group(cls, session: Session, group: Group) -> Place:
        village_id = org_repo.grid(session, group.grid_id).village_id if group.grid_id is not None else None
        return cls(
            kind=PlaceKind(group.kind),
            group_id=group.id,
            grid_id=group.grid_id,
            village_id=village_id,
            department_id=group.department_id,
            town_id=group.town_id,
            district_id=group.district_id,
        )

    @classmethod
    def direct(cls) -> Place:
        return cls(PlaceKind.DIRECT)

    @classmethod
    def system(cls) -> Place:
        return cls(PlaceKind.SYSTEM)

    @property
    def is_grid(self) -> bool:
        return self.kind is PlaceKind.GRID and self.grid_id is not None

    @property
    def is_department(self) -> bool:
        return self.kind is PlaceKind.DEPARTMENT and self.department_id is not None
