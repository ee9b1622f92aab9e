"""Queries on the organisation that the rules need (who holds which role where, which group is whose)."""

from __future__ import annotations

import json
import weakref
from typing import TypeVar

from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, col, select

from gridbot.storage.models.org import (
    AuditEntry,
    Department,
    District,
    Grid,
    Group,
    GroupKind,
    Person,
    Resident,
    Role,
    RoleAssignment,
    Town,
    Village,
)


def person_by_userid(session: Session, userid: str) -> Person | None:
    return session.exec(select(Person).where(Person.userid == userid, col(Person.active))).first()


def person_by_name(session: Session, name: str) -> Person | None:
    return session.exec(select(Person).where(Person.name == name, col(Person.active))).first()


def group_by_name(session: Session, name: str) -> Group | None:
    return session.exec(select(Group).where(Group.name == name, col(Group.active))).first()


def bindings_of(group: Group, configured: dict[str, dict[str, str]]) -> dict[str, str]:
    """A group's channel bindings: the organisation file's, overridden by the configuration's (GRIDBOT_BINDINGS)."""
    return {**group.bindings, **configured.get(group.name, {})}


# (organisation version, configured bindings) → {(binding key, value): group id}, per engine (one per process)
_BINDINGS: weakref.WeakKeyDictionary[Engine, tuple[tuple[int, str], dict[tuple[str, str], int]]] = (
    weakref.WeakKeyDictionary()
)


def organisation_version(session: Session) -> int:
    """Changes with every organisation import that changed something (0: never imported)."""
    found = session.exec(select(func.max(AuditEntry.id)).where(AuditEntry.action == "import_org")).one()
    return int(found or 0)


def group_by_binding(
    session: Session, key: str, value: str, configured: dict[str, dict[str, str]] | None = None
) -> Group | None:
    """The group bound to a channel target. The map of every group's bindings is built once per process and
    organisation version (imports change bindings), so a message costs one small query, not every group. A hit
    is checked against the group itself and a miss rebuilds the map, so a stale map can never answer wrongly
    (a database restored or emptied under a running process)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    version = (organisation_version(session), json.dumps(configured or {}, sort_keys=True, ensure_ascii=False))
    cached = _BINDINGS.get(engine)
    if cached is not None and cached[0] == version and version[0] != 0:
        found = _bound(session, cached[1].get((key, value)), key, value, configured)
        if found is not None:
            return found
    index: dict[tuple[str, str], int] = {}
    for group in session.exec(select(Group).where(col(Group.active))).all():
        assert group.id is not None
        for name, bound in bindings_of(group, configured or {}).items():
            index.setdefault((name, bound), group.id)
    _BINDINGS[engine] = (version, index)
    return _bound(session, index.get((key, value)), key, value, configured)


def _bound(
    session: Session, group_id: int | None, key: str, value: str, configured: dict[str, dict[str, str]] | None
) -> Group | None:
    group = session.get(Group, group_id) if group_id is not None else None
    if group is None or not group.active or bindings_of(group, configured or {}).get(key) != value:
        return None
    return group


def current_roles(session: Session, person_id: int) -> list[RoleAssignment]:
    return list(
        session.exec(
            select(RoleAssignment).where(RoleAssignment.person_id == person_id, col(RoleAssignment.valid_to).is_(None))
        ).all()
    )


def people_with_role(
    session: Session,
    role: Role,
    *,
    grid_id: int | None = None,
    village_id: int | None = None,
    department_id: int | None = None,
    town_id: int | None = None,
    district_id: int | None = None,
) -> list[Person]:
    """Active people holding `role` in exactly the given scope, in a stable order."""
    query = (
        select(Person)
        .join(RoleAssignment, col(RoleAssignment.person_id) == col(Person.id))
        .where(RoleAssignment.role == role.value, col(RoleAssignment.valid_to).is_(None), col(Person.active))
    )
    for column, value in (
        (RoleAssignment.grid_id, grid_id),
        (RoleAssignment.village_id, village_id),
        (RoleAssignment.department_id, department_id),
        (RoleAssignment.town_id, town_id),
        (RoleAssignment.district_id, district_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return list(session.exec(query.order_by(col(Person.id))).unique().all())


OrgRow = TypeVar("OrgRow", Grid, Village, Town, District, Department)


def _pinned(session: Session, model: type[OrgRow], row_id: int) -> OrgRow:
    """An organisation row by id, kept referenced for the session's life: the session's identity map holds its
    objects weakly, so a grid read, used and dropped was read again by the next rule of the same message."""
    found = session.get(model, row_id)
    assert found is not None
    pins: dict[tuple[type[SQLModel], int], SQLModel] = session.info.setdefault("org_pins", {})
    pins[(model, row_id)] = found
    return found


def grid(session: Session, grid_id: int) -> Grid:
    return _pinned(session, Grid, grid_id)


def village(session: Session, village_id: int) -> Village:
    return _pinned(session, Village, village_id)


def town(session: Session, town_id: int) -> Town:
    return _pinned(session, Town, town_id)


def district_of_town(session: Session, town_id: int) -> District:
    return _pinned(session, District, town(session, town_id).district_id)


def district(session: Session, district_id: int) -> District:
    return _pinned(session, District, district_id)


def department(session: Session, department_id: int) -> Department:
    return _pinned(session, Department, department_id)


def department_by_name(session: Session, name: str) -> Department | None:
    return session.exec(select(Department).where(Department.name == name, col(Department.active))).first()


def departments(session: Session, *, level: str, town_id: int | None, district_id: int) -> list[Department]:
    query = select(Department).where(
        Department.level == level, Department.district_id == district_id, col(Department.active)
    )
    if level == "town":
        query = query.where(Department.town_id == town_id)
    return list(session.exec(query.order_by(col(Department.id))).all())


def departments_handling(
    session: Session, *, sector: str | None, item_code: str | None, level: str, town_id: int, district_id: int
) -> list[Department]:
    """Departments of that level that list the item's code, else its sector (items first: they are narrower)."""
    candidates = departments(session, level=level, town_id=town_id, district_id=district_id)
    by_item = [d for d in candidates if item_code and item_code in d.items]
    if by_item:
        return by_item
    return [d for d in candidates if sector and sector in d.sectors]


def group_of(session: Session, kind: GroupKind, **place: int) -> Group | None:
    query = select(Group).where(Group.kind == kind.value, col(Group.active))
    for key, value in place.items():
        query = query.where(getattr(Group, key) == value)
    return session.exec(query).first()


def grids_of_village(session: Session, village_id: int) -> list[Grid]:
    return list(
        session.exec(select(Grid).where(Grid.village_id == village_id, col(Grid.active)).order_by(col(Grid.id))).all()
    )


def grids_of_town(session: Session, town_id: int) -> list[Grid]:
    return list(
        session.exec(
            select(Grid)
            .join(Village, col(Village.id) == col(Grid.village_id))
            .where(Village.town_id == town_id, col(Grid.active))
            .order_by(col(Grid.id))
        ).all()
    )


def residents_of_grid(session: Session, grid_id: int) -> list[Resident]:
    return list(session.exec(select(Resident).where(Resident.grid_id == grid_id, col(Resident.active))).all())


def grid_by_name(session: Session, name: str) -> Grid | None:
    return session.exec(select(Grid).where(Grid.name == name, col(Grid.active))).first()


def village_by_name(session: Session, name: str) -> Village | None:
    return session.exec(select(Village).where(Village.name == name, col(Village.active))).first()


def towns_of_district(session: Session, district_id: int) -> list[Town]:
    return list(session.exec(select(Town).where(Town.district_id == district_id, col(Town.active))).all())


def leaders_groups(session: Session) -> list[tuple[Group, set[int], str]]:
    """Each leaders group with the towns it covers and the name of its place."""
    found: list[tuple[Group, set[int], str]] = []
    groups = session.exec(
        select(Group)
        .where(col(Group.kind).in_([GroupKind.TOWN_LEADERS, GroupKind.DISTRICT_LEADERS]), col(Group.active))
        .order_by(col(Group.id))
    ).all()
    for group in groups:
        if group.kind == GroupKind.TOWN_LEADERS and group.town_id is not None:
            found.append((group, {group.town_id}, town(session, group.town_id).name))
        elif group.district_id is not None:
            towns = towns_of_district(session, group.district_id)
            district = session.get(District, group.district_id)
            found.append((group, {t.id for t in towns if t.id is not None}, district.name if district else ""))
    return found


def person_names(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Names of these people (the ids of one town's workers at most: a few hundred)."""
    names: dict[int, str] = {}
    for start in range(0, len(person_ids), 500):
        part = person_ids[start : start + 500]
        for person_id, name in session.exec(select(Person.id, Person.name).where(col(Person.id).in_(part))).all():
            assert person_id is not None
            names[person_id] = name
    return names


def grid_workers(session: Session, *, town_id: int | None = None) -> dict[int, str]:
    """Every active 专职网格员 (of the town, if given) with the name of their grid (one query; the first current
    assignment of a person who holds two)."""
    query = (
        select(RoleAssignment.person_id, Grid.name)
        .join(Person, col(Person.id) == col(RoleAssignment.person_id))
        .join(Grid, col(Grid.id) == col(RoleAssignment.grid_id))
        .join(Village, col(Village.id) == col(Grid.village_id))
        .where(
            col(Person.active),
            col(RoleAssignment.role) == Role.GRID_WORKER,
            col(RoleAssignment.valid_to).is_(None),
        )
        .order_by(col(RoleAssignment.person_id), col(RoleAssignment.id))
    )
    if town_id is not None:
        query = query.where(col(Village.town_id) == town_id)
    workers: dict[int, str] = {}
    for person_id, grid_name in session.exec(query).all():
        workers.setdefault(person_id, grid_name)
    return workers
