"""Read-only views of the organisation and the catalog for the terminal (`gridbot org`, `gridbot catalog`)."""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select

from gridbot.intents.catalog import Catalog
from gridbot.storage.models.org import (
    ROLE_LABELS,
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

Row = TypeVar("Row", bound=SQLModel)


def _current_roles(session: Session) -> list[tuple[RoleAssignment, Person]]:
    rows = session.exec(
        select(RoleAssignment, Person)
        .where(col(RoleAssignment.person_id) == col(Person.id))
        .where(col(RoleAssignment.valid_to).is_(None))
        .order_by(col(Person.id))
    ).all()
    return [(assignment, person) for assignment, person in rows]


def org_tree(session: Session) -> str:
    """The organisation as an indented tree: centers, departments, villages, grids, groups, people."""
    roles = _current_roles(session)
    by_scope: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for assignment, person in roles:
        label = f"{person.name}（{ROLE_LABELS[Role(assignment.role)]}）"
        if assignment.grid_id is not None:
            by_scope[("grid", assignment.grid_id)].append(label)
        elif assignment.village_id is not None:
            by_scope[("village", assignment.village_id)].append(label)
        elif assignment.department_id is not None:
            by_scope[("department", assignment.department_id)].append(label)
        elif assignment.town_id is not None:
            by_scope[("town", assignment.town_id)].append(label)
        elif assignment.district_id is not None:
            by_scope[("district", assignment.district_id)].append(label)
        else:
            by_scope[("all", None)].append(label)
    group_of: dict[tuple[str, int | None], str] = {}
    for group in _active(session, Group):
        place = group.grid_id or group.department_id or group.town_id or group.district_id
        group_of[(group.kind, place)] = group.name
    residents: dict[int, int] = defaultdict(int)
    for resident in session.exec(select(Resident).where(col(Resident.active))).all():
        residents[resident.grid_id] += 1

    def people(kind: str, scope_id: int | None) -> str:
        names = by_scope.get((kind, scope_id), [])
        return f"  人员：{'、'.join(names)}" if names else ""

    lines: list[str] = []
    departments = list(_active(session, Department))
    for district in _active(session, District):
        center = group_of.get((GroupKind.DISTRICT_CENTER, district.id), "")
        lines.append(f"{district.name}（新区网格中心，群：{center}）{people('district', district.id)}")
        for dept in (d for d in departments if d.level == "district"):
            lines.append(
                f"  ├ 新区部门 {dept.name}（群：{group_of.get((GroupKind.DEPARTMENT, dept.id), '')}）"
                f"{people('department', dept.id)}"
            )
            lines.append(f"  │   负责大类：{'、'.join(dept.sectors) or '—'}")
        for town in (t for t in _active(session, Town) if t.district_id == district.id):
            lines.append(
                f"  └ {town.name}（镇网格中心，群：{group_of.get((GroupKind.TOWN_CENTER, town.id), '')}）"
                f"{people('town', town.id)}"
            )
            for dept in (d for d in departments if d.town_id == town.id):
                lines.append(
                    f"      ├ 科室 {dept.name}（群：{group_of.get((GroupKind.DEPARTMENT, dept.id), '')}）"
                    f"{people('department', dept.id)}"
                )
                lines.append(
                    f"      │   负责大类：{'、'.join(dept.sectors) or '—'}"
                    + (f"；小类：{'、'.join(dept.items)}" if dept.items else "")
                )
            for village in (v for v in _active(session, Village) if v.town_id == town.id):
                lines.append(f"      └ {village.name}{people('village', village.id)}")
                for grid in (g for g in _active(session, Grid) if g.village_id == village.id):
                    lines.append(
                        f"          └ {grid.name}（群：{group_of.get((GroupKind.GRID, grid.id), '')}；"
                        f"地址：{'、'.join(grid.addresses) or '—'}；居民 {residents[grid.id or 0]} 人）"
                        f"{people('grid', grid.id)}"
                    )
    admins = by_scope.get(("all", None))
    if admins:
        lines.append(f"管理员：{'、'.join(admins)}")
    return "\n".join(lines)


def _active(session: Session, model: type[Row]) -> list[Row]:
    table = model.__table__  # type: ignore[attr-defined]
    return list(session.exec(select(model).where(table.c.active).order_by(table.c.id)).all())


def catalog_table(catalog: Catalog) -> str:
    """The catalog as a readable table, one line per item."""
    closure_labels = {"coordination": "进入协调", "resolution": "办结核查"}
    lines: list[str] = []
    for sector in catalog.sectors:
        lines.append(f"【{sector.name}】（{sector.code}，同义词：{'、'.join(sector.synonyms) or '—'}）")
        for item in sector.items:
            limits = f"签收{item.accept_hours:g}h/办结{item.resolve_hours:g}h"
            flag = "预警" if item.warning else "    "
            lines.append(
                f"  {item.code}  {item.name:<16}  {closure_labels[item.closure.value]}  {flag}  {limits}  "
                f"关键词：{'、'.join(item.keywords)}"
            )
    lines.append(f"共 {len(catalog.sectors)} 个大类，{len(catalog.items)} 个小类")
    return "\n".join(lines)
