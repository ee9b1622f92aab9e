"""Who may do what, where: one table of role × place × action that every service consults first (fail closed).

An action is allowed when one of its grants matches: the actor holds the grant's role with a scope that covers
what the action concerns (its `Scope`), and acts from the place the grant names (the group of that grid, that
department, that center…). Anything the table does not grant is refused. `docs/permissions.md` is generated
from this table (`python -m gridbot.governance.permissions_doc`), and a test walks the whole matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from gridbot.governance.actors import SYSTEM, Actor, Place, PlaceKind
from gridbot.storage.models.org import Role, RoleAssignment


class Action(StrEnum):
    """Every action a person (or the system) can take, by name."""

    EVENT_REPORT = "event.report"
    EVENT_WARN = "event.warn"
    EVENT_CHOOSE_CATEGORY = "event.choose_category"
    EVENT_ATTACH = "event.attach"
    EVENT_ESCALATE = "event.escalate"
    EVENT_COORDINATE = "event.coordinate"
    EVENT_CLOSE_IN_GRID = "event.close_in_grid"
    EVENT_DISPATCH = "event.dispatch"
    EVENT_ACCEPT = "event.accept"
    EVENT_RETURN = "event.return"
    EVENT_PROGRESS = "event.progress"
    EVENT_RESOLVE = "event.resolve"
    EVENT_EXTEND = "event.extend"
    EVENT_APPROVE_EXTENSION = "event.approve_extension"
    EVENT_VERIFY = "event.verify"
    EVENT_VERIFY_WARNING = "event.verify_warning"
    EVENT_ESCALATE_DISTRICT = "event.escalate_district"
    EVENT_CORRECT = "event.correct"
    EVENT_WITHDRAW = "event.withdraw"
    EVENT_CHECK = "event.check"
    EVENT_RATE = "event.rate"
    EVENT_VIEW = "event.view"
    DIRECTIVE_ISSUE = "directive.issue"
    DIRECTIVE_REVIEW = "directive.review"
    DIRECTIVE_APPROVE_EXTENSION = "directive.approve_extension"
    DIRECTIVE_VIEW = "directive.view"
    TASK_ACKNOWLEDGE = "task.acknowledge"
    TASK_PROGRESS = "task.progress"
    TASK_COMPLETE = "task.complete"
    TASK_EXTEND = "task.extend"
    TODO_VIEW = "todo.view"
    HELP_VIEW = "help.view"
    STATS_VIEW = "stats.view"
    RECORDS_IMPORT = "records.import"
    DUE_WORK = "due.run"


@dataclass(frozen=True, slots=True)
class Scope:
    """What an action concerns, as the ids a grant compares with the actor's roles and the place.

    `centers` are the centers that hold the subject now ((`town`, id) or (`district`, id)); `reporter` is the
    person who reported it. Empty sets match nothing (fail closed).
    """

    grids: frozenset[int] = frozenset()
    villages: frozenset[int] = frozenset()
    towns: frozenset[int] = frozenset()
    districts: frozenset[int] = frozenset()
    departments: frozenset[int] = frozenset()
    centers: frozenset[tuple[str, int]] = frozenset()
    reporter: int | None = None


Relation = Callable[[RoleAssignment, Place, Scope, Actor], bool]

GRID_SCOPED = (Role.GRID_WORKER.value, Role.PART_TIME.value, Role.FRONTLINE.value)
VILLAGE_SCOPED = (Role.GRID_CHIEF.value, Role.GRID_INSTRUCTOR.value)


def _covers_grid(role: RoleAssignment, place: Place, scope: Scope) -> bool:
    """The role covers the grid of the place (or, in a 1:1 chat, a grid of the scope)."""
    if place.kind is PlaceKind.DIRECT:
        return role.grid_id in scope.grids or role.village_id in scope.villages
    if not place.is_grid or place.grid_id not in scope.grids:
        return False
    if role.role in VILLAGE_SCOPED:
        return role.village_id is not None and role.village_id == place.village_id
    return role.grid_id == place.grid_id


def in_grid_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    return _covers_grid(role, place, scope)


def in_grid_group_own_report(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    return _covers_grid(role, place, scope) and scope.reporter is not None and actor.person_id == scope.reporter


def in_department_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    if place.kind is PlaceKind.DIRECT:
        return role.department_id in scope.departments
    return (
        place.is_department and place.department_id in scope.departments and role.department_id == place.department_id
    )


def in_worked_grid_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    """Front-line staff act for their department in the grid groups they work in."""
    if place.kind is PlaceKind.DIRECT:
        return role.department_id in scope.departments
    return place.is_grid and role.grid_id == place.grid_id and role.department_id in scope.departments


def in_holding_center_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    """A seat of a center that holds the subject now, in that center's group."""
    held = {("town", t) for kind, t in scope.centers if kind == "town" and role.town_id == t} | {
        ("district", d) for kind, d in scope.centers if kind == "district" and role.district_id == d
    }
    if place.kind is PlaceKind.DIRECT:
        return bool(held)
    here = (
        ("town", place.town_id)
        if place.kind is PlaceKind.TOWN_CENTER
        else ("district", place.district_id)
        if place.kind is PlaceKind.DISTRICT_CENTER
        else None
    )
    return here in held


def in_town_center_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    if place.kind is PlaceKind.DIRECT:
        return role.town_id in scope.towns
    return place.kind is PlaceKind.TOWN_CENTER and place.town_id in scope.towns and role.town_id == place.town_id


def in_district_center_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    if place.kind is PlaceKind.DIRECT:
        return role.district_id in scope.districts
    return (
        place.kind is PlaceKind.DISTRICT_CENTER
        and place.district_id in scope.districts
        and role.district_id == place.district_id
    )


def in_leaders_group(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    """A town's leaders in its leaders group; the district's leaders in theirs."""
    if place.kind is PlaceKind.DIRECT:
        return role.town_id in scope.towns or role.district_id in scope.districts
    if place.kind is PlaceKind.TOWN_LEADERS:
        return place.town_id in scope.towns and role.town_id == place.town_id
    if place.kind is PlaceKind.DISTRICT_LEADERS:
        return place.district_id in scope.districts and role.district_id == place.district_id
    return False


def anywhere(role: RoleAssignment, place: Place, scope: Scope, actor: Actor) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Grant:
    role: str  # a Role value, or SYSTEM
    where: Relation

    @property
    def place(self) -> str:
        """The relation's name (`in_grid_group`): notices/forms.py words it for people."""
        return self.where.__name__


def _grants(*pairs: tuple[str | Role, Relation]) -> tuple[Grant, ...]:
    return tuple(Grant(str(role), where) for role, where in pairs)


GRID_FORCES = (Role.GRID_WORKER, Role.PART_TIME, Role.FRONTLINE, Role.GRID_CHIEF, Role.GRID_INSTRUCTOR)
EVERY_ROLE = tuple(Role)


def _grid_forces(where: Relation, *, but: tuple[Role, ...] = ()) -> tuple[tuple[Role, Relation], ...]:
    return tuple((role, where) for role in GRID_FORCES if role not in but)


DEPARTMENT_MEMBERS = (
    (Role.DEPT_STAFF, in_department_group),
    (Role.FRONTLINE, in_department_group),
    (Role.FRONTLINE, in_worked_grid_group),
)
CENTER_SEATS = ((Role.SEAT, in_town_center_group), (Role.SEAT, in_district_center_group))
VIEWERS = (
    *_grid_forces(in_grid_group),
    *DEPARTMENT_MEMBERS,
    *CENTER_SEATS,
    (Role.LEADER, in_leaders_group),
    (Role.ADMIN, anywhere),
)

PERMISSIONS: dict[Action, tuple[Grant, ...]] = {
    Action.EVENT_REPORT: _grants(*_grid_forces(in_grid_group)),
    Action.EVENT_WARN: _grants((Role.GRID_WORKER, in_grid_group)),
    Action.EVENT_CHOOSE_CATEGORY: _grants(*_grid_forces(in_grid_group_own_report)),
    Action.EVENT_ATTACH: _grants(*_grid_forces(in_grid_group), *DEPARTMENT_MEMBERS),
    Action.EVENT_ESCALATE: _grants(*_grid_forces(in_grid_group)),
    # 小事不出网格 runs through the 专职网格员: only they close a level-1 event (协调 or 办结).
    Action.EVENT_COORDINATE: _grants((Role.GRID_WORKER, in_grid_group)),
    Action.EVENT_CLOSE_IN_GRID: _grants((Role.GRID_WORKER, in_grid_group)),
    Action.EVENT_DISPATCH: _grants((Role.SEAT, in_holding_center_group)),
    Action.EVENT_ACCEPT: _grants(*DEPARTMENT_MEMBERS),
    Action.EVENT_RETURN: _grants(*DEPARTMENT_MEMBERS),
    Action.EVENT_PROGRESS: _grants(*DEPARTMENT_MEMBERS, *_grid_forces(in_grid_group), *CENTER_SEATS),
    Action.EVENT_RESOLVE: _grants(*DEPARTMENT_MEMBERS),
    Action.EVENT_EXTEND: _grants(*DEPARTMENT_MEMBERS),
    Action.EVENT_APPROVE_EXTENSION: _grants((Role.SEAT, in_holding_center_group)),
    Action.EVENT_VERIFY: _grants((Role.SEAT, in_holding_center_group)),
    Action.EVENT_VERIFY_WARNING: _grants(*CENTER_SEATS),
    Action.EVENT_ESCALATE_DISTRICT: _grants((Role.SEAT, in_town_center_group)),
    # Reporters correct their reports; the grid's 专职网格员 (the hub of the grid) corrects any report there.
    Action.EVENT_CORRECT: _grants(
        (Role.GRID_WORKER, in_grid_group), *_grid_forces(in_grid_group_own_report, but=(Role.GRID_WORKER,))
    ),
    Action.EVENT_WITHDRAW: _grants(*_grid_forces(in_grid_group_own_report)),
    Action.EVENT_CHECK: _grants(*CENTER_SEATS),
    Action.EVENT_RATE: _grants(*_grid_forces(in_grid_group), *CENTER_SEATS, *DEPARTMENT_MEMBERS),
    Action.EVENT_VIEW: _grants(*VIEWERS),
    Action.DIRECTIVE_ISSUE: _grants((Role.DEPT_STAFF, in_department_group)),
    Action.DIRECTIVE_REVIEW: _grants((Role.SEAT, in_holding_center_group)),
    Action.DIRECTIVE_APPROVE_EXTENSION: _grants((Role.DEPT_STAFF, in_department_group)),
    Action.DIRECTIVE_VIEW: _grants(*VIEWERS),
    Action.TASK_ACKNOWLEDGE: _grants(*_grid_forces(in_grid_group)),
    Action.TASK_PROGRESS: _grants(*_grid_forces(in_grid_group)),
    Action.TASK_COMPLETE: _grants((Role.GRID_WORKER, in_grid_group)),
    Action.TASK_EXTEND: _grants((Role.GRID_WORKER, in_grid_group)),
    Action.TODO_VIEW: _grants(*((role, anywhere) for role in EVERY_ROLE)),
    Action.HELP_VIEW: _grants(*((role, anywhere) for role in EVERY_ROLE)),
    Action.STATS_VIEW: _grants((Role.LEADER, in_leaders_group), *CENTER_SEATS, (Role.ADMIN, anywhere)),
    Action.RECORDS_IMPORT: _grants((Role.ADMIN, anywhere), (SYSTEM, anywhere)),
    Action.DUE_WORK: _grants((SYSTEM, anywhere)),
}


def grant_for(actor: Actor, place: Place, action: Action, scope: Scope) -> Grant | None:
    """The first grant of `action` that the actor's roles satisfy here, or None (refused)."""
    for grant in PERMISSIONS.get(action, ()):
        for role in actor.roles:
            if role.role == grant.role and grant.where(role, place, scope, actor):
                return grant
    return None


def allows(actor: Actor, place: Place, action: Action, scope: Scope) -> bool:
    return grant_for(actor, place, action, scope) is not None


def granted_to(action: Action) -> list[tuple[str, str]]:
    """(role, place) of every person's grant of the action, in the table's order (for wording who may)."""
    return [(grant.role, grant.place) for grant in PERMISSIONS.get(action, ()) if grant.role != SYSTEM]
