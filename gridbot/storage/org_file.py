"""Reading and checking an organisation file (scenarios.md "Organisation file"), before anything is written.

`parse_org` turns the YAML tree into an `OrgSpec` and raises `ImportFileError` naming the line and the value
of the first problem: an unknown role, grid, village, department, center or sector, a duplicate name, or a
malformed entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridbot.intents.catalog import SECTOR_NAMES
from gridbot.storage.models.org import Role
from gridbot.storage.yamlfile import ImportFileError, Node

BINDING_KEYS = ("wecom_chat_id", "robot_key", "appchat_id", "gateway_room")


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    name: str
    group: str
    level: str  # town | district
    town: str | None
    sectors: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GridSpec:
    name: str
    group: str
    village: str
    addresses: tuple[str, ...]
    boundary: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class VillageSpec:
    name: str
    town: str


@dataclass(frozen=True, slots=True)
class TownSpec:
    name: str
    center_group: str
    leaders_group: str | None


@dataclass(frozen=True, slots=True)
class RoleSpec:
    role: Role
    grid: str | None = None
    village: str | None = None
    department: str | None = None
    town: str | None = None
    district: str | None = None


@dataclass(frozen=True, slots=True)
class PersonSpec:
    name: str
    userid: str | None
    mobile: str | None
    roles: tuple[RoleSpec, ...]


@dataclass(frozen=True, slots=True)
class ResidentSpec:
    name: str
    grid: str
    address: str


@dataclass(slots=True)
class OrgSpec:
    district: str
    district_center_group: str
    district_leaders_group: str | None
    towns: list[TownSpec] = field(default_factory=list)
    villages: list[VillageSpec] = field(default_factory=list)
    grids: list[GridSpec] = field(default_factory=list)
    departments: list[DepartmentSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    residents: list[ResidentSpec] = field(default_factory=list)
    bindings: dict[str, dict[str, str]] = field(default_factory=dict)


def _mapping(node: Node | None, what: str, line: int) -> Node:
    if node is None or not isinstance(node.value, dict):
        shown = node.plain() if node is not None else "（空）"
        raise ImportFileError(f"{what}格式不对，应为键值对：“{shown}”", node.line if node else line)
    return node


def _list(node: Node | None, what: str) -> list[Node]:
    if node is None or node.value is None:
        return []
    if not isinstance(node.value, list):
        raise ImportFileError(f"{what}应为列表，实际为“{node.plain()}”", node.line)
    return list(node.value)


def _name(node: Node, key: str, what: str) -> str:
    found = node.get(key)
    if found is None or found.value in (None, ""):
        raise ImportFileError(f"{what}缺少“{key}”", node.line)
    if not isinstance(found.value, str | int):
        raise ImportFileError(f"{what}的“{key}”应为文字，实际为“{found.plain()}”", found.line)
    return str(found.value).strip()


def _optional(node: Node, key: str) -> str | None:
    found = node.get(key)
    if found is None or found.value in (None, ""):
        return None
    return str(found.value).strip()


def _words(node: Node | None, what: str) -> tuple[str, ...]:
    return tuple(str(child.value).strip() for child in _list(node, what) if child.value not in (None, ""))


class _Names:
    """Tracks the names of one kind to refuse duplicates with the line of the first one."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.lines: dict[str, int] = {}

    def add(self, name: str, line: int) -> None:
        if name in self.lines:
            raise ImportFileError(f"{self.kind}名称“{name}”重复（第 {self.lines[name]} 行已有）", line)
        self.lines[name] = line

    def __contains__(self, name: object) -> bool:
        return name in self.lines


def _check_sectors(node: Node | None, what: str) -> tuple[str, ...]:
    sectors: list[str] = []
    for child in _list(node, what):
        sector = str(child.value).strip()
        if sector not in SECTOR_NAMES:
            raise ImportFileError(f"未知的大类“{sector}”", child.line)
        sectors.append(sector)
    return tuple(sectors)


def _check_items(node: Node | None, what: str, item_codes: frozenset[str]) -> tuple[str, ...]:
    items: list[str] = []
    for child in _list(node, what):
        code = str(child.value).strip()
        if code not in item_codes:
            raise ImportFileError(f"未知的小类代码“{code}”", child.line)
        items.append(code)
    return tuple(items)


def _department(node: Node, level: str, town: str | None, names: _Names, item_codes: frozenset[str]) -> DepartmentSpec:
    node = _mapping(node, "部门", node.line)
    name = _name(node, "name", "部门")
    names.add(name, node.line)
    return DepartmentSpec(
        name=name,
        group=_name(node, "group", f"部门“{name}”"),
        level=level,
        town=town,
        sectors=_check_sectors(node.get("sectors"), f"部门“{name}”的 sectors"),
        items=_check_items(node.get("items"), f"部门“{name}”的 items", item_codes),
    )


def parse_org(root: Node, item_codes: frozenset[str]) -> OrgSpec:
    """Check the whole file and build the spec; nothing is written here."""
    root = _mapping(root, "组织文件", 1)
    district_node = _mapping(root.get("district"), "district（新区）", root.line)
    district = _name(district_node, "name", "district")
    spec = OrgSpec(
        district=district,
        district_center_group=_name(district_node, "center_group", "district"),
        district_leaders_group=_optional(district_node, "leaders_group"),
    )
    department_names = _Names("部门")
    for node in _list(root.get("district_departments"), "district_departments"):
        spec.departments.append(_department(node, "district", None, department_names, item_codes))

    town_names, village_names, grid_names = _Names("镇"), _Names("村"), _Names("网格")
    for town_node in _list(root.get("towns"), "towns"):
        town_node = _mapping(town_node, "镇", town_node.line)
        town = _name(town_node, "name", "镇")
        town_names.add(town, town_node.line)
        spec.towns.append(
            TownSpec(town, _name(town_node, "center_group", f"镇“{town}”"), _optional(town_node, "leaders_group"))
        )
        for node in _list(town_node.get("departments"), f"镇“{town}”的 departments"):
            spec.departments.append(_department(node, "town", town, department_names, item_codes))
        for village_node in _list(town_node.get("villages"), f"镇“{town}”的 villages"):
            village_node = _mapping(village_node, "村", village_node.line)
            village = _name(village_node, "name", "村")
            village_names.add(village, village_node.line)
            spec.villages.append(VillageSpec(village, town))
            for grid_node in _list(village_node.get("grids"), f"村“{village}”的 grids"):
                grid_node = _mapping(grid_node, "网格", grid_node.line)
                grid = _name(grid_node, "name", "网格")
                grid_names.add(grid, grid_node.line)
                boundary = grid_node.get("boundary")
                spec.grids.append(
                    GridSpec(
                        name=grid,
                        group=_name(grid_node, "group", f"网格“{grid}”"),
                        village=village,
                        addresses=_words(grid_node.get("addresses"), f"网格“{grid}”的 addresses"),
                        boundary=boundary.plain() if boundary is not None else None,
                    )
                )
    if not spec.towns:
        raise ImportFileError("组织文件至少要有一个镇（towns）", root.line)

    group_names = _Names("群")
    for group, line in _group_uses(root):
        group_names.add(group, line)

    centers = {district} | {t.name for t in spec.towns}
    person_names, userids = _Names("人员"), _Names("企业微信账号")
    for person_node in _list(root.get("people"), "people"):
        person_node = _mapping(person_node, "人员", person_node.line)
        name = _name(person_node, "name", "人员")
        person_names.add(name, person_node.line)
        userid = _optional(person_node, "userid")
        if userid:
            userids.add(userid, person_node.line)
        roles = tuple(
            role
            for role_node in _list(person_node.get("roles"), f"人员“{name}”的 roles")
            for role in _roles(role_node, name, grid_names, village_names, department_names, centers, spec)
        )
        spec.people.append(PersonSpec(name, userid, _optional(person_node, "mobile"), roles))

    for node in _list(root.get("residents"), "residents"):
        node = _mapping(node, "居民", node.line)
        name = _name(node, "name", "居民")
        grid = _name(node, "grid", f"居民“{name}”")
        if grid not in grid_names:
            raise ImportFileError(f"居民“{name}”的网格“{grid}”不存在", _line_of(node, "grid"))
        spec.residents.append(ResidentSpec(name, grid, _optional(node, "address") or ""))
    _check_residents_unique(spec, root)

    bindings_node = root.get("bindings")
    if bindings_node is not None and bindings_node.value is not None:
        bindings_node = _mapping(bindings_node, "bindings", root.line)
        for group, binding_node in bindings_node.value.items():
            if group not in group_names:
                raise ImportFileError(f"bindings 中的群“{group}”不存在", binding_node.line)
            binding_node = _mapping(binding_node, f"群“{group}”的绑定", binding_node.line)
            binding: dict[str, str] = {}
            for key, value in binding_node.value.items():
                if key not in BINDING_KEYS:
                    raise ImportFileError(
                        f"群“{group}”的绑定方式“{key}”未知（可用：{'、'.join(BINDING_KEYS)}）", value.line
                    )
                binding[key] = str(value.value)
            spec.bindings[group] = binding
    return spec


def _line_of(node: Node, key: str) -> int:
    found = node.get(key)
    return found.line if found is not None else node.line


def _group_uses(root: Node) -> list[tuple[str, int]]:
    """Every group name in the file with its line, in document order."""
    uses: list[tuple[str, int]] = []

    def visit(node: Node) -> None:
        if isinstance(node.value, dict):
            for key, child in node.value.items():
                if key in ("group", "center_group", "leaders_group") and isinstance(child.value, str):
                    uses.append((child.value.strip(), child.line))
                visit(child)
        elif isinstance(node.value, list):
            for child in node.value:
                visit(child)

    visit(root)
    return uses


def _check_residents_unique(spec: OrgSpec, root: Node) -> None:
    seen: set[tuple[str, str]] = set()
    for node, resident in zip(_list(root.get("residents"), "residents"), spec.residents, strict=True):
        key = (resident.name, resident.grid)
        if key in seen:
            raise ImportFileError(f"居民“{resident.name}”在网格“{resident.grid}”中重复", node.line)
        seen.add(key)


def _roles(
    node: Node,
    person: str,
    grids: _Names,
    villages: _Names,
    departments: _Names,
    centers: set[str],
    spec: OrgSpec,
) -> list[RoleSpec]:
    node = _mapping(node, f"人员“{person}”的角色", node.line)
    role_text = _name(node, "role", f"人员“{person}”的角色")
    try:
        role = Role(role_text)
    except ValueError:
        known = "、".join(r.value for r in Role)
        raise ImportFileError(f"未知的角色“{role_text}”（可用：{known}）", _line_of(node, "role")) from None

    def named(key: str, known: _Names | set[str], kind: str) -> str:
        value = _name(node, key, f"人员“{person}”的 {role.value} 角色")
        if value not in known:
            raise ImportFileError(f"人员“{person}”的{kind}“{value}”不存在", _line_of(node, key))
        return value

    if role in (Role.GRID_WORKER, Role.PART_TIME, Role.FRONTLINE):
        grid_list = _list(node.get("grids"), "grids") if node.get("grids") is not None else []
        names = [str(g.value) for g in grid_list]
        for child in grid_list:
            if str(child.value) not in grids:
                raise ImportFileError(f"人员“{person}”的网格“{child.value}”不存在", child.line)
        if node.get("grid") is not None or not names:
            names.insert(0, named("grid", grids, "网格"))
        department = named("department", departments, "部门") if role is Role.FRONTLINE else None
        return [RoleSpec(role, grid=g, department=department) for g in names]
    if role in (Role.GRID_CHIEF, Role.GRID_INSTRUCTOR):
        return [RoleSpec(role, village=named("village", villages, "村"))]
    if role is Role.DEPT_STAFF:
        return [RoleSpec(role, department=named("department", departments, "部门"))]
    if role is Role.SEAT:
        center = named("center", centers, "网格中心")
        if center == spec.district:
            return [RoleSpec(role, district=center)]
        return [RoleSpec(role, town=center)]
    if role is Role.LEADER:
        if node.get("district") is not None:
            return [RoleSpec(role, district=named("district", {spec.district}, "新区"))]
        return [RoleSpec(role, town=named("town", {t.name for t in spec.towns}, "镇"))]
    return [RoleSpec(role)]
