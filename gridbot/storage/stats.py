"""Read-only figures for digests, rankings and department evaluation."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, or_
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from gridbot.storage import org_repo
from gridbot.storage.models.directives import Directive, DirectiveStatus, DirectiveTask, TaskStatus
from gridbot.storage.models.events import Event, EventHistory, EventStatus, Rating
from gridbot.storage.models.org import Department, Grid, Village
from gridbot.storage.score_repo import chunks

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

    Every figure is an aggregate query over indexed columns (event by town and time, history by action and time,
    grids by village), so a digest costs the same on a year of history as on a week. What is overdue at a
    department is read from the event's deadlines; the center's own limits are computed by the rules (working
    time), which pass the events overdue at a center's stage and the directives overdue in review.
    """
    figures = DigestFigures()
    towns = sorted(town_ids)
    if not towns:
        return figures
    kept = (col(Event.town_id).in_(towns), col(Event.status) != EventStatus.DELETED)
    counted = col(Event.source) != DIRECTIVE_SOURCE
    is_true = case((col(Event.warning_truth) == "属实", 1), else_=0)
    is_false = case((col(Event.warning_truth) == "不属实", 1), else_=0)
    created = session.execute(
        sql_select(
            col(Event.level),
            col(Event.sector),
            func.count(),
            func.sum(case((col(Event.warning), 1), else_=0)),
            func.sum(case((col(Event.warning), is_true), else_=0)),
            func.sum(case((col(Event.warning), is_false), else_=0)),
            func.sum(case((col(Event.warning) & col(Event.late), 1), else_=0)),
        )
        .where(*kept, counted, col(Event.created_at) >= start, col(Event.created_at) < end)
        .group_by(col(Event.level), col(Event.sector))
    ).all()
    for level, sector, count, warnings, true, false, late in created:
        figures.created += count
        figures.by_level[level] += count
        figures.by_sector[sector or "待分类"] += count
        figures.warnings += int(warnings or 0)
        figures.warnings_true += int(true or 0)
        figures.warnings_false += int(false or 0)
        figures.warnings_late += int(late or 0)
    closed = session.execute(
        sql_select(col(Event.level), func.count())
        .where(
            *kept,
            counted,
            col(Event.closed_at) >= start,
            col(Event.closed_at) < end,
            or_(col(Event.closure).is_(None), col(Event.closure) != "unfounded"),
        )
        .group_by(col(Event.level))
    ).all()
    for level, count in closed:
        figures.closed += count
        figures.closed_by_level[level] += count
    at_department = (EventStatus.DISPATCHED, EventStatus.ACCEPTED, EventStatus.OPEN)
    due = func.coalesce(col(Event.resolve_due), col(Event.accept_due))
    figures.open_overdue = session.execute(
        sql_select(func.count()).where(*kept, col(Event.status).in_(at_department), due < now)
    ).scalar_one()
    at_center = list(overdue_at_center)
    for part in chunks(at_center):  # the few events overdue at a center's own stage, computed by the rules
        for status, count in session.execute(
            sql_select(col(Event.status), func.count())
            .where(
                *kept, col(Event.id).in_(list(part)), col(Event.status).in_([EventStatus.PENDING, EventStatus.RESOLVED])
            )
            .group_by(col(Event.status))
        ).all():
            if status == EventStatus.PENDING:
                figures.overdue_pending += count
            else:
                figures.overdue_verify += count
    _flags(session, figures, towns, start, end)
    _directives(session, figures, towns, start, end)
    if overdue_in_review:
        for directive in session.exec(select(Directive).where(col(Directive.id).in_(list(overdue_in_review)))).all():
            in_towns = {
                org_repo.village(session, org_repo.grid(session, grid_id).village_id).town_id
                for grid_id in directive.grid_ids
            }
            figures.overdue_review += bool(in_towns & town_ids)
    figures.open_overdue += figures.overdue_pending + figures.overdue_verify + figures.overdue_review
    figures.silent_grids = _silent_grids(session, towns, silent_since)
    return figures


def _flags(session: Session, figures: DigestFigures, towns: list[int], start: datetime, end: datetime) -> None:
    """The period's overdue flags by the department (or, for a grid's own item, the grid) that earned them."""
    holder = func.coalesce(col(Department.name), col(Grid.name))
    rows = session.execute(
        sql_select(holder, col(EventHistory.detail))
        .select_from(EventHistory)
        .join(Event, col(Event.id) == col(EventHistory.event_id))
        .outerjoin(Department, col(Department.id) == col(Event.department_id))
        .join(Grid, col(Grid.id) == col(Event.grid_id))
        .where(
            col(EventHistory.action) == "flag",
            col(EventHistory.at) >= start,
            col(EventHistory.at) < end,
            col(Event.town_id).in_(towns),
            col(Event.status) != EventStatus.DELETED,
        )
        .order_by(col(EventHistory.id))
    ).all()
    for name, detail in rows:
        for flag in (detail or {}).get("flags", [])[-1:]:
            figures.flags_by_department[name][flag] += 1


def _directives(session: Session, figures: DigestFigures, towns: list[int], start: datetime, end: datetime) -> None:
    """Progress of the directives under way (or completed in the period) among the towns' grids."""
    done = func.sum(case((col(DirectiveTask.status) == TaskStatus.DONE, 1), else_=0))
    rows = session.execute(
        sql_select(col(Directive.id), col(Directive.title), done, func.count(col(DirectiveTask.id)))
        .join(DirectiveTask, col(DirectiveTask.directive_id) == col(Directive.id))
        .join(Grid, col(Grid.id) == col(DirectiveTask.grid_id))
        .join(Village, col(Village.id) == col(Grid.village_id))
        .where(
            col(Directive.status).in_([DirectiveStatus.DISPATCHED, DirectiveStatus.COMPLETED]),
            col(Village.town_id).in_(towns),
            or_(
                col(Directive.status) != DirectiveStatus.COMPLETED,
                col(Directive.completed_at).is_(None),
                col(Directive.completed_at) >= start,
            ),
        )
        .group_by(col(Directive.id), col(Directive.title))
        .order_by(col(Directive.id))
    ).all()
    figures.directives = [
        (f"D{directive_id}", title, int(count_done or 0), total) for directive_id, title, count_done, total in rows
    ]


def _silent_grids(session: Session, towns: list[int], since: datetime) -> list[str]:
    """Active grids of the towns with no report or warning since `since` (in town order, then grid order)."""
    # The grids that did report: from the recent events alone (the created_at index), not a probe per grid.
    reported = sql_select(col(Event.grid_id)).where(
        col(Event.created_at) >= since,
        col(Event.source).in_(REPORT_SOURCES),
        col(Event.status) != EventStatus.DELETED,
    )
    rows = session.execute(
        sql_select(col(Grid.name))
        .join(Village, col(Village.id) == col(Grid.village_id))
        .where(col(Village.town_id).in_(towns), col(Grid.active), col(Grid.id).not_in(reported))
        .order_by(col(Village.town_id), col(Grid.id))
    ).all()
    return [name for (name,) in rows]


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
    """Per department: dispatches received in [start, end) and how they were handled, plus ratings.

    Counts are aggregate queries over the period's history (by action and time); only acceptances, resolutions
    and returns need the history before them (which department held the event, and its deadline then), read for
    the events they concern and walked once, so the cost follows the period's activity, not the whole history.
    """
    in_period = (col(EventHistory.at) >= start, col(EventHistory.at) < end)
    department_of_entry = EventHistory.detail["department_id"].as_integer()
    dispatched = dict(
        session.execute(
            sql_select(department_of_entry, func.count())
            .where(col(EventHistory.action) == "dispatch", *in_period)
            .group_by(department_of_entry)
        ).all()
    )
    overdue = dict(
        session.execute(
            sql_select(col(Event.department_id), func.count())
            .select_from(EventHistory)
            .join(Event, col(Event.id) == col(EventHistory.event_id))
            .where(col(EventHistory.action) == "flag", *in_period)
            .group_by(col(Event.department_id))
        ).all()
    )
    handled = _handled_by_department(session, start, end)
    points = case(*((col(Rating.verdict) == verdict, value) for verdict, value in RATING_POINTS.items()))
    rated = {
        department_id: (count, average)
        for department_id, count, average in session.execute(
            sql_select(col(Rating.department_id), func.count(), func.avg(points))
            .where(col(Rating.at) >= start, col(Rating.at) < end, col(Rating.rater_role) != "department")
            .group_by(col(Rating.department_id))
        ).all()
    }
    rows: list[DepartmentFigures] = []
    for department in session.exec(select(Department).where(col(Department.active)).order_by(col(Department.id))):
        assert department.id is not None
        accepted_on_time, resolved_on_time, returns = handled.get(department.id, (0, 0, 0))
        count, average = rated.get(department.id, (0, None))
        rows.append(
            DepartmentFigures(
                name=department.name,
                dispatched=int(dispatched.get(department.id, 0)),
                accepted_on_time=accepted_on_time,
                resolved_on_time=resolved_on_time,
                returns=returns,
                overdue=int(overdue.get(department.id, 0)),
                ratings=int(count),
                average_rating=float(average) if average is not None else None,
            )
        )
    return rows


HANDLING = ("accept", "resolve", "return")


def _handled_by_department(session: Session, start: datetime, end: datetime) -> dict[int, tuple[int, int, int]]:
    """(accepted on time, resolved on time, returned) per department for the period's handling entries, each
    credited to the department that held the event just before it, judged against the deadline in force then."""
    touched = sql_select(col(EventHistory.event_id)).where(
        col(EventHistory.action).in_(HANDLING), col(EventHistory.at) >= start, col(EventHistory.at) < end
    )
    history = session.execute(
        sql_select(col(EventHistory.event_id), col(EventHistory.action), col(EventHistory.at), col(EventHistory.detail))
        .where(col(EventHistory.event_id).in_(touched), col(EventHistory.at) < end)
        .order_by(col(EventHistory.event_id), col(EventHistory.id))
    ).all()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    current: int | None = None
    holder: int | None = None
    dues: dict[str, datetime] = {}
    for event_id, action, at, detail in history:
        if event_id != current:
            current, holder, dues = event_id, None, {}
        if action in HANDLING and at >= start and holder is not None:
            tally = counts[holder]
            if action == "accept":
                due = dues.get("accept_due")
                tally[0] += due is None or at <= due
            elif action == "resolve":
                due = dues.get("resolve_due")
                tally[1] += due is None or at <= due
            else:
                tally[2] += 1
        detail = detail or {}
        if "department_id" in detail:
            value = detail["department_id"]
            holder = value if isinstance(value, int) else None
        for key in ("accept_due", "resolve_due"):
            if detail.get(key):
                dues[key] = datetime.fromisoformat(detail[key])
    return {department: (a, r, n) for department, (a, r, n) in counts.items()}


def worker_ratings(session: Session, *, start: datetime, end: datetime) -> dict[int, tuple[int, float]]:
    """Ratings a grid worker received from departments in [start, end): (count, average 0–100).

    The center and grid workers rate departments; departments rate the center and grid workers (workflow §6).
    """
    points = case(*((col(Rating.verdict) == verdict, value) for verdict, value in RATING_POINTS.items()))
    rows = session.execute(
        sql_select(col(Rating.grid_worker_id), func.count(), func.avg(points))
        .where(
            col(Rating.at) >= start,
            col(Rating.at) < end,
            col(Rating.grid_worker_id).is_not(None),
            col(Rating.rater_role) == "department",
        )
        .group_by(col(Rating.grid_worker_id))
    ).all()
    return {person: (int(count), float(average)) for person, count, average in rows}


def grid_names(session: Session) -> dict[int, str]:
    return {g.id: g.name for g in session.exec(select(Grid)).all() if g.id is not None}
