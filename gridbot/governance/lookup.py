"""The people and groups responsible for an event, and the names shown to users."""

from __future__ import annotations

from sqlmodel import Session

from gridbot.intents.catalog import Catalog, CatalogItem, ClosureStandard
from gridbot.storage import org_repo
from gridbot.storage.models.directives import DirectiveTask
from gridbot.storage.models.events import Event, HolderKind
from gridbot.storage.models.org import Group, GroupKind, Person, Role


def closes_on_coordination(catalog: Catalog, event: Event) -> bool:
    """The event's closure standard is coordination: its item's, or, with no item known, its sector's when every
    item of the sector closes that way (信访)."""
    item = item_of(catalog, event)
    if item is not None:
        return item.closure is ClosureStandard.COORDINATION
    sector = catalog.sector(event.sector) if event.sector else None
    return (
        sector is not None
        and bool(sector.items)
        and all(i.closure is ClosureStandard.COORDINATION for i in sector.items)
    )


def item_of(catalog: Catalog, event: Event) -> CatalogItem | None:
    return catalog.item(event.item_code) if event.item_code else None


def grid_worker_ids(session: Session, grid_id: int) -> list[int]:
    return [p.id for p in org_repo.people_with_role(session, Role.GRID_WORKER, grid_id=grid_id) if p.id]


def grid_people(session: Session, grid_id: int, *, with_leads: bool) -> list[int]:
    """The grid's 专职网格员, then (for overdue notices) its 网格长 and 网格指导员."""
    ids = grid_worker_ids(session, grid_id)
    if with_leads:
        village_id = org_repo.grid(session, grid_id).village_id
        for role in (Role.GRID_CHIEF, Role.GRID_INSTRUCTOR):
            ids += [p.id for p in org_repo.people_with_role(session, role, village_id=village_id) if p.id]
    return list(dict.fromkeys(ids))


def seat_ids(session: Session, group: Group | None) -> list[int]:
    """The seats of the center whose group this is."""
    if group is None:
        return []
    if group.kind == GroupKind.DISTRICT_CENTER and group.district_id is not None:
        seats = org_repo.people_with_role(session, Role.SEAT, district_id=group.district_id)
    elif group.town_id is not None:
        seats = org_repo.people_with_role(session, Role.SEAT, town_id=group.town_id)
    else:
        seats = []
    return [p.id for p in seats if p.id]


def grid_group(session: Session, grid_id: int) -> Group | None:
    return org_repo.group_of(session, GroupKind.GRID, grid_id=grid_id)


def town_center_group(session: Session, town_id: int) -> Group | None:
    return org_repo.group_of(session, GroupKind.TOWN_CENTER, town_id=town_id)


def district_center_group(session: Session, town_id: int) -> Group | None:
    district = org_repo.district_of_town(session, town_id)
    assert district.id is not None
    return org_repo.group_of(session, GroupKind.DISTRICT_CENTER, district_id=district.id)


def department_group(session: Session, department_id: int | None) -> Group | None:
    if department_id is None:
        return None
    return org_repo.group_of(session, GroupKind.DEPARTMENT, department_id=department_id)


def center_group_of(session: Session, event: Event) -> Group | None:
    """The center that holds (or last held) the event: the district's from level 3 on."""
    if event.level >= 3:
        return district_center_group(session, event.town_id)
    return town_center_group(session, event.town_id)


def department_staff_ids(session: Session, department_id: int | None) -> list[int]:
    if department_id is None:
        return []
    return [p.id for p in org_repo.people_with_role(session, Role.DEPT_STAFF, department_id=department_id) if p.id]


def department_name(session: Session, department_id: int | None) -> str:
    return org_repo.department(session, department_id).name if department_id is not None else ""


def holder_name(session: Session, event: Event) -> str:
    """The grid's, department's or center's name (a center is named after its town or district)."""
    if event.holder_kind == HolderKind.DEPARTMENT and event.department_id is not None:
        return org_repo.department(session, event.department_id).name
    if event.holder_kind == HolderKind.TOWN_CENTER:
        return org_repo.town(session, event.town_id).name
    if event.holder_kind == HolderKind.DISTRICT_CENTER:
        return org_repo.district_of_town(session, event.town_id).name
    return org_repo.grid(session, event.grid_id).name


def person_name(session: Session, person_id: int | None) -> str:
    if person_id is None:
        return "系统"
    person = session.get(Person, person_id)
    return person.name if person is not None else "未知"


def shown_ref(session: Session, event: Event) -> str:
    """The reference people know the event by: a directive task's event is its directive (D3), not an E-number."""
    if event.directive_task_id is not None:
        task = session.get(DirectiveTask, event.directive_task_id)
        if task is not None:
            return f"D{task.directive_id}"
    return event.ref
