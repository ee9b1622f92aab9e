"""Read-only figures for digests, rankings and department evaluation."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from gridbot.storage import org_repo
from gridbot.storage.models.directives import Directive, DirectiveStatus, DirectiveTask, TaskStatus
from gridbot.storage.models.events import Event, EventHistory, EventStatus, Rating
from gridbot.storage.models.org import Department, Grid

REPORT_SOURCES = ("report", "warning")
DIRECTIVE_SOURCE = "directive"  # directive tasks are counted under 指令进度, not as new events


@dataclass(slots=True)
class DigestFigures:
    created: int = 0
    by_level: Counter[int] = field(default_factory=Counter)
    by_sector: Counter[str] = field(default_factory=Counter)
    closed: int = 0
    closed_by_level: Counter[int] = field(default_factory=Counter)
    warnings: int = 0
    warnings_true: int = 0
    warnings_false: int = 0
    warnings_late: int = 0
    flags_by_department: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    open_overdue: int = 0  # everything past its limit now: at a department, at a center's stage, in review
    overdue_pending: int = 0  # of which: events waiting at a center to be dispatched (待派单)
    overdue_verify: int = 0  # events waiting at a center to be verified (待核查)
    overdue_review: int = 0  # directives waiting for a center's review (待审核)
    directives: list[tuple[str, str, int, int]] = field(default_factory=list)  # ref, title, done, total
    silent_grids: list[str] = field(default_factory=list)

    def share(self, level: int) -> float:
        return self.closed_by_level[level] / self.closed if self.closed else 0.0


def digest_figures(
    session: Session,
    *,
    town_ids: set[int],
    start: datetime,
    end: datetime,
    silent_since: datetime,
    now: datetime,
    overdue_at_center: Collection[int] = (),
    overdue_in_review: Collection[int] = (),
) -> DigestFigures:
    """Figures for the towns in [start, end); silent grids are those with no report since `silent_since`.

    What is overdue at a department is read from the event's deadlines; the center's own limits are computed by
    the rules (working time), which pass the events overdue at a center's stage and the directives overdue in
    review.
    """
    figures = DigestFigures()
    events = [
        e
        for e in session.exec(select(Event).where(col(Event.town_id).in_(town_ids))).all()
        if e.status != EventStatus.DELETED
    ]
    for event in events:
        counted = event.source != DIRECTIVE_SOURCE
        if counted and start <= event.created_at < end:
            figures.created += 1
            figures.by_level[event.level] += 1
            figures.by_sector[event.sector or "待分类"] += 1
            if event.warning:
                figures.warnings += 1
                figures.warnings_true += event.warning_truth == "属实"
                figures.warnings_false += event.warning_truth == "不属实"
                figures.warnings_late += event.late
        if counted and event.closed_at is not None and start <= event.closed_at < end and event.closure != "unfounded":
            figures.closed += 1
            figures.closed_by_level[event.level] += 1
        due = event.resolve_due or event.accept_due
        if event.status in (EventStatus.DISPATCHED, EventStatus.ACCEPTED, EventStatus.OPEN) and due and due < now:
            figures.open_overdue += 1
        elif event.id in overdue_at_center and event.status == EventStatus.PENDING:
            figures.overdue_pending += 1
        elif event.id in overdue_at_center and event.status == EventStatus.RESOLVED:
            figures.overdue_verify += 1
    ids = [e.id for e in events if e.id is not None]
    if ids:
        flagged = session.exec(
            select(EventHistory).where(
                col(EventHistory.event_id).in_(ids),
                EventHistory.action == "flag",
                col(EventHistory.at) >= start,
                col(EventHistory.at) < end,
            )
        ).all()
        by_id = {e.id: e for e in events}
        for entry in flagged:
            event = by_id[entry.event_id]
            if event.department_id:
                name = org_repo.department(session, event.department_id).name
            else:
                name = org_repo.grid(session, event.grid_id).name  # a grid's own item (overdue directive task)
            for flag in entry.detail.get("flags", [])[-1:]:
                figures.flags_by_department[name][flag] += 1
    for directive in session.exec(
        select(Directive).where(col(Directive.status).in_([DirectiveStatus.DISPATCHED, DirectiveStatus.COMPLETED]))
    ).all():
        tasks = [
            t
            for t in session.exec(select(DirectiveTask).where(DirectiveTask.directive_id == directive.id)).all()
            if org_repo.village(session, org_repo.grid(session, t.grid_id).village_id).town_id in town_ids
        ]
        if not tasks:
            continue
        if directive.status == DirectiveStatus.COMPLETED and (directive.completed_at or end) < start:
            continue
        done = sum(1 for t in tasks if t.status == TaskStatus.DONE)
        figures.directives.append((directive.ref, directive.title, done, len(tasks)))
    if overdue_in_review:
        for directive in session.exec(select(Directive).where(col(Directive.id).in_(list(overdue_in_review)))).all():
            towns = {
                org_repo.village(session, org_repo.grid(session, grid_id).village_id).town_id
                for grid_id in directive.grid_ids
            }
            figures.overdue_review += bool(towns & town_ids)
    figures.open_overdue += figures.overdue_pending + figures.overdue_verify + figures.overdue_review
    for town_id in sorted(town_ids):
        for grid in org_repo.grids_of_town(session, town_id):
            reported = any(
                e.grid_id == grid.id and e.source in REPORT_SOURCES and e.created_at >= silent_since for e in events
            )
            if not reported:
                figures.silent_grids.append(grid.name)
    return figures


@dataclass(frozen=True, slots=True)
class DepartmentFigures:
    name: str
    dispatched: int
    accepted_on_time: int
    resolved_on_time: int
    returns: int
    overdue: int
    ratings: int
    average_rating: float | None


RATING_POINTS = {"满意": 100.0, "基本满意": 80.0, "不满意": 40.0}


def department_figures(session: Session, *, start: datetime, end: datetime) -> list[DepartmentFigures]:
    """Per department: dispatches received in [start, end) and how they were handled, plus ratings."""
    rows: list[DepartmentFigures] = []
    departments = session.exec(select(Department).where(col(Department.active)).order_by(col(Department.id))).all()
    history = session.exec(
        select(EventHistory)
        .where(col(EventHistory.at) >= start, col(EventHistory.at) < end)
        .order_by(col(EventHistory.id))
    ).all()
    ratings = session.exec(select(Rating).where(col(Rating.at) >= start, col(Rating.at) < end)).all()
    for department in departments:
        dispatched = accepted_on_time = resolved_on_time = returns = overdue = 0
        for entry in history:
            event = session.get(Event, entry.event_id)
            if event is None:
                continue
            if entry.action == "dispatch" and entry.detail.get("department_id") == department.id:
                dispatched += 1
            elif entry.action == "accept" and _department_at(session, entry) == department.id:
                due = _due_before(session, entry, "accept_due")
                accepted_on_time += due is None or entry.at <= due
            elif entry.action == "resolve" and _department_at(session, entry) == department.id:
                due = _due_before(session, entry, "resolve_due")
                resolved_on_time += due is None or entry.at <= due
            elif entry.action == "return" and _department_at(session, entry) == department.id:
                returns += 1
            elif entry.action == "flag" and event.department_id == department.id:
                overdue += 1
        mine = [
            RATING_POINTS[r.verdict]
            for r in ratings
            if r.department_id == department.id and r.rater_role != "department"
        ]
        rows.append(
            DepartmentFigures(
                name=department.name,
                dispatched=dispatched,
                accepted_on_time=accepted_on_time,
                resolved_on_time=resolved_on_time,
                returns=returns,
                overdue=overdue,
                ratings=len(mine),
                average_rating=sum(mine) / len(mine) if mine else None,
            )
        )
    return rows


def worker_ratings(session: Session, *, start: datetime, end: datetime) -> dict[int, tuple[int, float]]:
    """Ratings a grid worker received from departments in [start, end): (count, average 0–100).

    The center and grid workers rate departments; departments rate the center and grid workers (workflow §6).
    """
    scores: dict[int, list[float]] = defaultdict(list)
    for rating in session.exec(select(Rating).where(col(Rating.at) >= start, col(Rating.at) < end)).all():
        if rating.grid_worker_id is not None and rating.rater_role == "department":
            scores[rating.grid_worker_id].append(RATING_POINTS[rating.verdict])
    return {person: (len(values), sum(values) / len(values)) for person, values in scores.items()}


def _department_at(session: Session, entry: EventHistory) -> int | None:
    """The department holding the event just before this history entry."""
    earlier = session.exec(
        select(EventHistory)
        .where(EventHistory.event_id == entry.event_id, col(EventHistory.id) < entry.id)
        .order_by(col(EventHistory.id).desc())
    ).all()
    for row in earlier:
        if "department_id" in row.detail:
            value = row.detail["department_id"]
            return value if isinstance(value, int) else None
    return None


def _due_before(session: Session, entry: EventHistory, key: str) -> datetime | None:
    earlier = session.exec(
        select(EventHistory)
        .where(EventHistory.event_id == entry.event_id, col(EventHistory.id) < entry.id)
        .order_by(col(EventHistory.id).desc())
    ).all()
    for row in earlier:
        if row.detail.get(key):
            return datetime.fromisoformat(row.detail[key])
    return None


def grid_names(session: Session) -> dict[int, str]:
    return {g.id: g.name for g in session.exec(select(Grid)).all() if g.id is not None}
