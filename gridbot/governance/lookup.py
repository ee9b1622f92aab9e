"""Finding events and the people and groups responsible for them."""

from __future__ import annotations

import re

from sqlmodel import Session

from gridbot.governance.context import Context
from gridbot.intents.catalog import CatalogItem, ClosureStandard
from gridbot.notices.questions import NotFound, RefMissing
from gridbot.storage import org_repo
from gridbot.storage.models.events import Event, HolderKind
from gridbot.storage.models.org import Group, GroupKind, Person, Role

EVENT_REF = re.compile(r"^E(\d{1,9})$")


def event_by_ref(ctx: Context, ref: str | None) -> Event | None:
    """The event a reference names; answers "E99 不存在" (or asks for the number) when there is none."""
    if ref is None:
        ctx.reply(RefMissing())
        return None
    match = EVENT_REF.match(ref)
    event = ctx.session.get(Event, int(match.group(1))) if match else None
    if event is None:
        ctx.reply(NotFound(ref=ref))
    return event


def closes_on_coordination(ctx: Context, event: Event) -> bool:
    """The event's closure standard is coordination: its item's, or, with no item known, its sector's when every
    item of the sector closes that way (信访)."""
    item = item_of(ctx, event)
    if item is not None:
        return item.closure is ClosureStandard.COORDINATION
    sector = ctx.catalog.sector(event.sector) if event.sector else None
    return (
        sector is not None
        and bool(sector.items)
        and all(i.closure is ClosureStandard.COORDINATION for i in sector.items)
    )


def item_of(ctx: Context, event: Event) -> CatalogItem | None:
    return ctx.catalog.item(event.item_code) if event.item_code else None


def grid_worker_ids(session: Session, grid_id: int) -> list[int]:
    return [p.id for p in org_repo.people_with_role(session, Role.GRID_WORKER, grid_id=grid_id) if p.id]


def grid_group(session: Session, grid_id: int) -> Group | None:
    return org_repo.group_of(session, GroupKind.GRID, grid_id=grid_id)


def town_center_group(session: Session, town_id: int) -> Group | None:
    return org_repo.group_of(session, GroupKind.TOWN_CENTER, town_id=town_id)


def district_center_group(session: Session, town_id: int) -> Group | None:
    district = org_repo.district_of_town(session, town_id)
    assert district.id is not None
    return org_repo.group_of(session, GroupKind.DISTRICT_CENTER, district_id=district.id)


def department_group(session: Session, department_id: int) -> Group | None:
    return org_repo.group_of(session, GroupKind.DEPARTMENT, department_id=department_id)


def center_group_of(session: Session, event: Event) -> Group | None:
    """The center that holds (or last held) the event: the district's from level 3 on."""
    if event.level >= 3:
        return district_center_group(session, event.town_id)
    return town_center_group(session, event.town_id)


def department_staff_ids(session: Session, department_id: int) -> list[int]:
    return [p.id for p in org_repo.people_with_role(session, Role.DEPT_STAFF, department_id=department_id) if p.id]


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


# A role counts only in its own place (workflow.md §1): a seat acts in its center's group, a department in its
# group (front-line staff also in the grid groups they work in), grid forces in their grid's group. A 1:1 chat
# with the bot (no group: the self-built app) has no place, so only the role counts there.


def _in_group(ctx: Context, kind: GroupKind, **scope: int | None) -> bool:
    group = ctx.group
    if group is None:
        return True
    return group.kind == kind and all(getattr(group, key) == value for key, value in scope.items())


def is_seat_for(ctx: Context, event: Event) -> bool:
    """A seat of the center that holds the event at its level (the district's from level 3 on), in its group."""
    if ctx.actor is None:
        return False
    if event.level >= 3 or event.holder_kind == HolderKind.DISTRICT_CENTER:
        district = org_repo.district_of_town(ctx.session, event.town_id)
        return ctx.actor.holds(Role.SEAT, district_id=district.id) and _in_group(
            ctx, GroupKind.DISTRICT_CENTER, district_id=district.id
        )
    return ctx.actor.holds(Role.SEAT, town_id=event.town_id) and _in_group(
        ctx, GroupKind.TOWN_CENTER, town_id=event.town_id
    )


def is_district_seat(ctx: Context, event: Event) -> bool:
    """A seat of the event's district center, in that center's group."""
    if ctx.actor is None:
        return False
    district = org_repo.district_of_town(ctx.session, event.town_id)
    return ctx.actor.holds(Role.SEAT, district_id=district.id) and _in_group(
        ctx, GroupKind.DISTRICT_CENTER, district_id=district.id
    )


def is_seat_of_town_or_district(ctx: Context, event: Event) -> bool:
    """A seat of the event's town center or of its district center, in that center's group."""
    if ctx.actor is None:
        return False
    district = org_repo.district_of_town(ctx.session, event.town_id)
    town_seat = ctx.actor.holds(Role.SEAT, town_id=event.town_id) and _in_group(
        ctx, GroupKind.TOWN_CENTER, town_id=event.town_id
    )
    district_seat = ctx.actor.holds(Role.SEAT, district_id=district.id) and _in_group(
        ctx, GroupKind.DISTRICT_CENTER, district_id=district.id
    )
    return town_seat or district_seat


def is_department_member(ctx: Context, department_id: int | None) -> bool:
    """Staff of the department in its group, or its front-line staff in a grid group they work in."""
    if ctx.actor is None or department_id is None:
        return False
    staff = ctx.actor.holds(Role.DEPT_STAFF, department_id=department_id) or ctx.actor.holds(
        Role.FRONTLINE, department_id=department_id
    )
    if not staff:
        return False
    if _in_group(ctx, GroupKind.DEPARTMENT, department_id=department_id):
        return True
    group = ctx.group
    return (
        group is not None
        and group.kind == GroupKind.GRID
        and ctx.actor.holds(Role.FRONTLINE, department_id=department_id, grid_id=group.grid_id)
    )


def is_grid_worker_of(ctx: Context, grid_id: int) -> bool:
    """The grid's 专职网格员, in the grid's group."""
    return (
        ctx.actor is not None
        and ctx.actor.holds(Role.GRID_WORKER, grid_id=grid_id)
        and _in_group(ctx, GroupKind.GRID, grid_id=grid_id)
    )


def acts_for_a_department_here(ctx: Context) -> bool:
    """The sender is staff (or front-line) of the department whose group this is."""
    group = ctx.group
    if ctx.actor is None or group is None or group.kind != GroupKind.DEPARTMENT or group.department_id is None:
        return False
    return ctx.actor.holds(Role.DEPT_STAFF, department_id=group.department_id) or ctx.actor.holds(
        Role.FRONTLINE, department_id=group.department_id
    )


def is_grid_force(ctx: Context, grid_id: int) -> bool:
    """Who may report in a grid: its workers, helpers, front-line staff, and its village's chief and instructors,
    in the grid's own group."""
    if ctx.actor is None or not _in_group(ctx, GroupKind.GRID, grid_id=grid_id):
        return False
    village_id = org_repo.grid(ctx.session, grid_id).village_id
    return (
        ctx.actor.holds(Role.GRID_WORKER, grid_id=grid_id)
        or ctx.actor.holds(Role.PART_TIME, grid_id=grid_id)
        or ctx.actor.holds(Role.FRONTLINE, grid_id=grid_id)
        or ctx.actor.holds(Role.GRID_CHIEF, village_id=village_id)
        or ctx.actor.holds(Role.GRID_INSTRUCTOR, village_id=village_id)
    )
