"""What an action concerns, read from the store as a permissions `Scope` (grids, villages, towns, departments…)."""

from __future__ import annotations

from sqlmodel import Session

from gridbot.governance.actors import Place
from gridbot.governance.permissions import Scope
from gridbot.storage import event_repo, org_repo
from gridbot.storage.models.directives import Directive, DirectiveStatus
from gridbot.storage.models.events import Event, EventStatus, HolderKind
from gridbot.storage.models.org import Department


def of_grids(session: Session, grid_ids: set[int] | list[int]) -> Scope:
    villages = {org_repo.grid(session, g).village_id for g in grid_ids}
    towns = {org_repo.village(session, v).town_id for v in villages}
    districts = {org_repo.town(session, t).district_id for t in towns}
    return Scope(
        grids=frozenset(grid_ids),
        villages=frozenset(villages),
        towns=frozenset(towns),
        districts=frozenset(districts),
    )


def of_grid(session: Session, grid_id: int) -> Scope:
    return of_grids(session, {grid_id})


def holding_centers(session: Session, event: Event) -> frozenset[tuple[str, int]]:
    """The centers whose seats act on the event now: the district's from level 3 on; a pending warning waits in
    both queues at once (workflow §3); otherwise the town's."""
    district = org_repo.district_of_town(session, event.town_id)
    assert district.id is not None
    town = ("town", event.town_id)
    if event.level >= 3 or event.holder_kind == HolderKind.DISTRICT_CENTER:
        return frozenset({("district", district.id)})
    if event.warning and event.level == 2 and event.status == EventStatus.PENDING:
        return frozenset({town, ("district", district.id)})
    return frozenset({town})


def handling_department(session: Session, event: Event) -> int | None:
    """The department that holds the event, or the one that last held it."""
    if event.department_id is not None:
        return event.department_id
    assert event.id is not None
    return event_repo.last_department(session, event.id)


def of_event(session: Session, event: Event) -> Scope:
    department = handling_department(session, event)
    base = of_grid(session, event.grid_id)
    return Scope(
        grids=base.grids,
        villages=base.villages,
        towns=base.towns,
        districts=base.districts,
        departments=frozenset({department} if department is not None else ()),
        centers=holding_centers(session, event),
        reporter=event.reporter_id,
    )


def of_department(department: Department) -> Scope:
    assert department.id is not None
    return Scope(
        departments=frozenset({department.id}),
        towns=frozenset({department.town_id} if department.town_id is not None else ()),
        districts=frozenset({department.district_id}),
    )


def reviewing_center(directive: Directive) -> tuple[str, int] | None:
    """The center whose review the directive waits for (review_chain entries read `town:3`, `district:1`)."""
    if directive.status != DirectiveStatus.PENDING_REVIEW or len(directive.reviewers) >= len(directive.review_chain):
        return None
    kind, raw = directive.review_chain[len(directive.reviewers)].split(":")
    return kind, int(raw)


def of_directive(session: Session, directive: Directive) -> Scope:
    """The issuing department, the target grids, and the center reviewing it now."""
    base = of_grids(session, directive.grid_ids)
    department = org_repo.department(session, directive.department_id)
    reviewer = reviewing_center(directive)
    return Scope(
        grids=base.grids,
        villages=base.villages,
        towns=base.towns | ({department.town_id} if department.town_id is not None else set()),
        districts=base.districts | {department.district_id},
        departments=frozenset({directive.department_id}),
        centers=frozenset({reviewer} if reviewer is not None else ()),
    )


def of_place(place: Place) -> Scope:
    """What a place itself belongs to (for actions about the place: a report in this grid, a directive from here)."""
    return Scope(
        grids=frozenset({place.grid_id} if place.grid_id is not None else ()),
        villages=frozenset({place.village_id} if place.village_id is not None else ()),
        departments=frozenset({place.department_id} if place.department_id is not None else ()),
        towns=frozenset({place.town_id} if place.town_id is not None else ()),
        districts=frozenset({place.district_id} if place.district_id is not None else ()),
    )
