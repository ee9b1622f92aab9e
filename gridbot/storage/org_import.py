"""Writing a checked `OrgSpec` into the store: update by name, end vanished roles, delete nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

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
    RoleAssignment,
    Town,
    Village,
)
from gridbot.storage.org_file import OrgSpec

Row = TypeVar("Row", bound=SQLModel)


@dataclass(slots=True)
class ImportReport:
    """What an import changed, by kind; empty when the file matched the store."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deactivated: Counter[str] = field(default_factory=Counter)
    roles_started: int = 0
    roles_ended: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.roles_started or self.roles_ended)

    def summary(self) -> str:
        if not self.changed:
            return "组织架构无变化"
        parts = [f"新增{kind} {n}" for kind, n in self.created.items()]
        parts += [f"更新{kind} {n}" for kind, n in self.updated.items()]
        parts += [f"停用{kind} {n}" for kind, n in self.deactivated.items()]
        if self.roles_started:
            parts.append(f"新任角色 {self.roles_started}")
        if self.roles_ended:
            parts.append(f"结束角色 {self.roles_ended}")
        return "，".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "deactivated": dict(self.deactivated),
            "roles_started": self.roles_started,
            "roles_ended": self.roles_ended,
        }


class _Upserter:
    """Finds rows by name, creates or updates them, and counts what changed."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.session = session
        self.report = report

    def upsert(self, model: type[Row], label: str, name: str, **values: Any) -> Row:
        row = self.session.exec(select(model).where(model.name == name)).first()  # type: ignore[attr-defined]
        if row is None:
            row = model(name=name, **values)
            self.session.add(row)
            self.session.flush()
            self.report.created[label] += 1
            return row
        changed = False
        for key, value in {**values, "active": True}.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        if changed:
            self.session.add(row)
            self.session.flush()
            self.report.updated[label] += 1
        return row

    def deactivate_missing(self, model: type[Row], label: str, keep: set[str]) -> None:
        for row in self.session.exec(select(model).where(model.active)).all():  # type: ignore[attr-defined]
            if row.name not in keep:  # type: ignore[attr-defined]
                row.active = False
                self.session.add(row)
                self.report.deactivated[label] += 1


def _id(row: SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int)
    return value


def apply_org(session: Session, spec: OrgSpec, *, now: datetime, actor: str = "import") -> ImportReport:
    """Bring the store in line with the spec inside the caller's transaction."""
    report = ImportReport()
    up = _Upserter(session, report)

    district = up.upsert(District, "新区", spec.district)
    up.deactivate_missing(District, "新区", {spec.district})
    towns = {t.name: up.upsert(Town, "镇", t.name, district_id=_id(district)) for t in spec.towns}
    up.deactivate_missing(Town, "镇", set(towns))
    villages = {v.name: up.upsert(Village, "村", v.name, town_id=_id(towns[v.town])) for v in spec.villages}
    up.deactivate_missing(Village, "村", set(villages))
    grids = {
        g.name: up.upsert(
            Grid,
            "网格",
            g.name,
            village_id=_id(villages[g.village]),
            addresses=list(g.addresses),
            boundary=g.boundary,
        )
        for g in spec.grids
    }
    up.deactivate_missing(Grid, "网格", set(grids))
    departments = {
        d.name: up.upsert(
            Department,
            "部门",
            d.name,
            level=d.level,
            town_id=_id(towns[d.town]) if d.town else None,
            district_id=_id(district),
            sectors=list(d.sectors),
            items=list(d.items),
        )
        for d in spec.departments
    }
    up.deactivate_missing(Department, "部门", set(departments))

    groups: dict[str, dict[str, Any]] = {
        spec.district_center_group: {"kind": GroupKind.DISTRICT_CENTER, "district_id": _id(district)},
    }
    if spec.district_leaders_group:
        groups[spec.district_leaders_group] = {
            "kind": GroupKind.DISTRICT_LEADERS,
            "district_id": _id(district),
        }
    for t in spec.towns:
        groups[t.center_group] = {"kind": GroupKind.TOWN_CENTER, "town_id": _id(towns[t.name])}
        if t.leaders_group:
            groups[t.leaders_group] = {"kind": GroupKind.TOWN_LEADERS, "town_id": _id(towns[t.name])}
    for d in spec.departments:
        groups[d.group] = {"kind": GroupKind.DEPARTMENT, "department_id": _id(departments[d.name])}
    for g in spec.grids:
        groups[g.group] = {"kind": GroupKind.GRID, "grid_id": _id(grids[g.name])}
    for name, place in groups.items():
        values = {"grid_id": None, "department_id": None, "town_id": None, "district_id": None, **place}
        values["bindings"] = spec.bindings.get(name, {})
        up.upsert(Group, "群", name, **values)
    up.deactivate_missing(Group, "群", set(groups))

    people = {p.name: up.upsert(Person, "人员", p.name, userid=p.userid, mobile=p.mobile) for p in spec.people}
    up.deactivate_missing(Person, "人员", set(people))

    _apply_roles(session, spec, people, grids, villages, departments, towns, district, now, report)
    _apply_residents(session, spec, grids, report)

    if report.changed:
        session.add(AuditEntry(at=now, actor=actor, action="import_org", detail=report.as_dict()))
    session.flush()
    return report


def _apply_roles(
    session: Session,
    spec: OrgSpec,
    people: dict[str, Person],
    grids: dict[str, Grid],
    villages: dict[str, Village],
    departments: dict[str, Department],
    towns: dict[str, Town],
    district: District,
    now: datetime,
    report: ImportReport,
) -> None:
    wanted: set[tuple[Any, ...]] = set()
    for person in spec.people:
        for role in person.roles:
            wanted.add(
                (
                    _id(people[person.name]),
                    role.role.value,
                    _id(grids[role.grid]) if role.grid else None,
                    _id(villages[role.village]) if role.village else None,
                    _id(departments[role.department]) if role.department else None,
                    _id(towns[role.town]) if role.town else None,
                    _id(district) if role.district else None,
                )
            )
    current = session.exec(select(RoleAssignment).where(col(RoleAssignment.valid_to).is_(None))).all()
    held: set[tuple[Any, ...]] = set()
    for assignment in current:
        key = (assignment.person_id, *assignment.scope_key())
        if key in wanted:
            held.add(key)
        else:
            assignment.valid_to = now
            session.add(assignment)
            report.roles_ended += 1
    for key in sorted(wanted - held, key=repr):
        person_id, role_name, grid_id, village_id, department_id, town_id, district_id = key
        session.add(
            RoleAssignment(
                person_id=person_id,
                role=role_name,
                grid_id=grid_id,
                village_id=village_id,
                department_id=department_id,
                town_id=town_id,
                district_id=district_id,
                valid_from=now,
            )
        )
        report.roles_started += 1


def _apply_residents(session: Session, spec: OrgSpec, grids: dict[str, Grid], report: ImportReport) -> None:
    existing = {(r.name, r.grid_id): r for r in session.exec(select(Resident)).all()}
    wanted: set[tuple[str, int]] = set()
    for resident in spec.residents:
        key = (resident.name, _id(grids[resident.grid]))
        wanted.add(key)
        row = existing.get(key)
        if row is None:
            session.add(Resident(name=resident.name, grid_id=key[1], address=resident.address))
            report.created["居民"] += 1
        elif row.address != resident.address or not row.active:
            row.address, row.active = resident.address, True
            session.add(row)
            report.updated["居民"] += 1
    for key, row in existing.items():
        if key not in wanted and row.active:
            row.active = False
            session.add(row)
            report.deactivated["居民"] += 1
