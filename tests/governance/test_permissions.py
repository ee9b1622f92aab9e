"""The permission table, walked whole: every action × every role, in its own place and in another place.

The expectations below are written out by hand from workflow.md (who does what, where); the test holds the table
in gridbot/governance/permissions.py against them, so a change of the table must be a change of this page too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from gridbot.governance.actors import SYSTEM, Actor, Place, PlaceKind
from gridbot.governance.permissions import PERMISSIONS, Action, Scope, allows
from gridbot.storage.models.org import Person, Role, RoleAssignment

A = Action
T0 = datetime(2026, 4, 1, tzinfo=UTC)

# Two of everything: "own" ids (1) are where the subject belongs, "other" ids (2) are a neighbour's.
OWN, OTHER = 1, 2


def grid_group(n: int) -> Place:
    return Place(PlaceKind.GRID, group_id=10 + n, grid_id=n, village_id=n, town_id=n)


def department_group(n: int) -> Place:
    return Place(PlaceKind.DEPARTMENT, group_id=20 + n, department_id=n, town_id=n)


def town_center(n: int) -> Place:
    return Place(PlaceKind.TOWN_CENTER, group_id=30 + n, town_id=n)


def district_center(n: int) -> Place:
    return Place(PlaceKind.DISTRICT_CENTER, group_id=40 + n, district_id=n)


def town_leaders(n: int) -> Place:
    return Place(PlaceKind.TOWN_LEADERS, group_id=50 + n, town_id=n)


def district_leaders(n: int) -> Place:
    return Place(PlaceKind.DISTRICT_LEADERS, group_id=60 + n, district_id=n)


@dataclass(frozen=True)
class Seat:
    """One row of the matrix: a role held for unit n, and the group where that role is at home."""

    label: str
    role: str
    scope: dict[str, str]  # scope column -> which kind of unit
    home: object  # a function n -> Place

    def actor(self, n: int, person_id: int = 7) -> Actor:
        ids = {column: n for column in self.scope}
        assignment = RoleAssignment(person_id=person_id, role=self.role, valid_from=T0, **ids)
        return Actor(Person(id=person_id, name="某人"), (assignment,))

    def place(self, n: int) -> Place:
        return self.home(n)  # type: ignore[operator, no-any-return]


ROWS = [
    Seat("grid_worker", Role.GRID_WORKER, {"grid_id": "grid"}, grid_group),
    Seat("part_time", Role.PART_TIME, {"grid_id": "grid"}, grid_group),
    Seat("frontline@grid", Role.FRONTLINE, {"grid_id": "grid", "department_id": "department"}, grid_group),
    Seat("frontline@department", Role.FRONTLINE, {"grid_id": "grid", "department_id": "department"}, department_group),
    Seat("grid_chief", Role.GRID_CHIEF, {"village_id": "village"}, grid_group),
    Seat("grid_instructor", Role.GRID_INSTRUCTOR, {"village_id": "village"}, grid_group),
    Seat("dept_staff", Role.DEPT_STAFF, {"department_id": "department"}, department_group),
    Seat("seat@town", Role.SEAT, {"town_id": "town"}, town_center),
    Seat("seat@district", Role.SEAT, {"district_id": "district"}, district_center),
    Seat("leader@town", Role.LEADER, {"town_id": "town"}, town_leaders),
    Seat("leader@district", Role.LEADER, {"district_id": "district"}, district_leaders),
    Seat("admin", Role.ADMIN, {}, lambda n: Place.direct()),
    Seat("system", SYSTEM, {}, lambda n: Place.system()),
]

GRID = {"grid_worker", "part_time", "frontline@grid", "grid_chief", "grid_instructor"}
DEPARTMENT = {"dept_staff", "frontline@department", "frontline@grid"}
SEATS = {"seat@town", "seat@district"}
LEADERS = {"leader@town", "leader@district"}
PEOPLE = {row.label for row in ROWS} - {"system"}
VIEWERS = GRID | DEPARTMENT | SEATS | LEADERS | {"admin"}

# Who may, in their own place, act on a subject of their own grid/department/town/district that they reported.
EXPECTED: dict[Action, set[str]] = {
    A.EVENT_REPORT: GRID,
    A.EVENT_WARN: {"grid_worker"},
    A.EVENT_CHOOSE_CATEGORY: GRID,
    A.EVENT_ATTACH: GRID | DEPARTMENT,
    A.EVENT_ESCALATE: GRID,
    A.EVENT_COORDINATE: {"grid_worker"},
    A.EVENT_CLOSE_IN_GRID: {"grid_worker"},
    A.EVENT_DISPATCH: SEATS,
    A.EVENT_ACCEPT: DEPARTMENT,
    A.EVENT_RETURN: DEPARTMENT,
    A.EVENT_PROGRESS: DEPARTMENT | GRID | SEATS,
    A.EVENT_RESOLVE: DEPARTMENT,
    A.EVENT_EXTEND: DEPARTMENT,
    A.EVENT_APPROVE_EXTENSION: SEATS,
    A.EVENT_VERIFY: SEATS,
    A.EVENT_VERIFY_WARNING: SEATS,
    A.EVENT_ESCALATE_DISTRICT: {"seat@town"},
    A.EVENT_CORRECT: GRID,
    A.EVENT_WITHDRAW: GRID,
    A.EVENT_CHECK: SEATS,
    A.EVENT_RATE: GRID | SEATS | DEPARTMENT,
    A.EVENT_VIEW: VIEWERS,
    A.DIRECTIVE_ISSUE: {"dept_staff"},
    A.DIRECTIVE_REVIEW: SEATS,
    A.DIRECTIVE_APPROVE_EXTENSION: {"dept_staff"},
    A.DIRECTIVE_VIEW: VIEWERS,
    A.TASK_ACKNOWLEDGE: GRID,
    A.TASK_PROGRESS: GRID,
    A.TASK_COMPLETE: {"grid_worker"},
    A.TASK_EXTEND: {"grid_worker"},
    A.TODO_VIEW: PEOPLE,
    A.HELP_VIEW: PEOPLE,
    A.STATS_VIEW: SEATS | LEADERS | {"admin"},
    A.RECORDS_IMPORT: {"admin", "system"},
    A.DUE_WORK: {"system"},
}
# Actions that belong to nowhere in particular (whoever may do them may do them from any place), and the
# administrator, who may look at anything from anywhere.
ANYWHERE = {A.TODO_VIEW, A.HELP_VIEW, A.RECORDS_IMPORT, A.DUE_WORK}
ADMIN_ANYWHERE = {A.EVENT_VIEW, A.DIRECTIVE_VIEW, A.STATS_VIEW}
# Of the GRID actions above, these are open to a grid force only for what they reported themselves…
OWN_REPORTS_ONLY = {A.EVENT_CHOOSE_CATEGORY, A.EVENT_WITHDRAW, A.EVENT_CORRECT}
# …except that the grid's 专职网格员 corrects any report of the grid.
CORRECTS_ANY = {"grid_worker"}


def subject(n: int, reporter: int | None = 7) -> Scope:
    """Something of unit n, held by the town and the district centers at once (as a pending warning is)."""
    return Scope(
        grids=frozenset({n}),
        villages=frozenset({n}),
        towns=frozenset({n}),
        districts=frozenset({n}),
        departments=frozenset({n}),
        centers=frozenset({("town", n), ("district", n)}),
        reporter=reporter,
    )


def test_the_matrix_covers_every_action_and_every_role() -> None:
    assert set(EXPECTED) == set(Action) == set(PERMISSIONS)
    assert {row.role for row in ROWS} == {*(str(r) for r in Role), SYSTEM}


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_in_their_own_place_exactly_the_expected_roles_may_act(action: Action) -> None:
    allowed = {row.label for row in ROWS if allows(row.actor(OWN), row.place(OWN), action, subject(OWN))}
    assert allowed == EXPECTED[action]


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_in_another_place_everyone_is_refused(action: Action) -> None:
    """The same role in a neighbour's group, and a neighbour's role in its own group: both refused."""
    for row in ROWS:
        anywhere = row.label in EXPECTED[action] and (
            action in ANYWHERE or (row.label == "admin" and action in ADMIN_ANYWHERE)
        )
        own_role_elsewhere = allows(row.actor(OWN), row.place(OTHER), action, subject(OWN))
        neighbour = allows(row.actor(OTHER), row.place(OTHER), action, subject(OWN))
        assert own_role_elsewhere is anywhere, f"{row.label} in another group: {action}"
        assert neighbour is anywhere, f"{row.label} of a neighbour: {action}"


@pytest.mark.parametrize("action", sorted(OWN_REPORTS_ONLY), ids=str)
def test_some_grid_actions_are_for_ones_own_reports(action: Action) -> None:
    someone_elses = subject(OWN, reporter=99)
    allowed = {row.label for row in ROWS if allows(row.actor(OWN), row.place(OWN), action, someone_elses)}
    assert allowed == (CORRECTS_ANY if action is A.EVENT_CORRECT else set())


def test_in_a_place_of_another_kind_a_role_counts_for_nothing() -> None:
    """A grid worker in a department group, a seat in a grid group, a department in a center group."""
    cases = [
        (ROWS[0], department_group(OWN), A.EVENT_REPORT),
        (ROWS[7], grid_group(OWN), A.EVENT_ESCALATE_DISTRICT),
        (ROWS[7], grid_group(OWN), A.DIRECTIVE_REVIEW),
        (ROWS[6], town_center(OWN), A.EVENT_ACCEPT),
        (ROWS[9], grid_group(OWN), A.EVENT_VIEW),
    ]
    for row, place, action in cases:
        assert not allows(row.actor(OWN), place, action, subject(OWN)), (row.label, place.kind, action)


def test_a_one_to_one_chat_counts_the_role_alone() -> None:
    """The self-built app's 1:1 chat has no group: the role and its scope decide."""
    seat, worker = ROWS[7], ROWS[0]
    assert allows(seat.actor(OWN), Place.direct(), A.EVENT_DISPATCH, subject(OWN))
    assert not allows(seat.actor(OTHER), Place.direct(), A.EVENT_DISPATCH, subject(OWN))
    assert allows(worker.actor(OWN), Place.direct(), A.EVENT_ESCALATE, subject(OWN))
    assert not allows(worker.actor(OWN), Place.direct(), A.EVENT_DISPATCH, subject(OWN))


def test_nobody_without_a_role_may_do_anything() -> None:
    nobody = Actor(Person(id=5, name="路人"), ())
    for action in Action:
        assert not allows(nobody, grid_group(OWN), action, subject(OWN, reporter=5))
