"""Monthly scores of grid workers (workflow.md §6): a ledger derived from the record, one row per point change.

`update_ledger` adds the rows that the events and directive tasks now justify (idempotent: one row per person,
rule and subject), so every score can be explained row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from gridbot.clock import local
from gridbot.schedules.periods import month_of
from gridbot.settings import Settings
from gridbot.storage import org_repo
from gridbot.storage.models.directives import DirectiveTask, TaskStatus
from gridbot.storage.models.events import Closure, Event, EventHistory, EventStatus
from gridbot.storage.models.org import Person, Role
from gridbot.storage.models.records import ExternalRecord
from gridbot.storage.models.timing import ScoreEntry
from gridbot.storage.stats import worker_ratings


def _month(moment: datetime) -> str:
    return f"{local(moment):%Y-%m}"


def _workers(session: Session, grid_id: int) -> list[int]:
    return [p.id for p in org_repo.people_with_role(session, Role.GRID_WORKER, grid_id=grid_id) if p.id]


def _facts(session: Session, now: datetime) -> list[tuple[int, str, str, int | None, int | None, datetime]]:
    """(person, rule, subject, event, directive, moment) for every fact that earns or costs points."""
    facts: list[tuple[int, str, str, int | None, int | None, datetime]] = []
    for event in session.exec(select(Event).where(col(Event.source).in_(["report", "warning"]))).all():
        assert event.id is not None
        reporter_is_worker = event.reporter_id in _workers(session, event.grid_id)
        # A withdrawn event earns nothing; an unqualified (deleted) one leaves the statistics and only costs (below).
        counted = event.status not in (EventStatus.DELETED, EventStatus.WITHDRAWN)
        if counted and reporter_is_worker and event.reporter_id is not None:
            facts.append((event.reporter_id, "report", event.ref, event.id, None, event.created_at))
            if event.closure == Closure.SELF and event.closed_at is not None:
                facts.append((event.reporter_id, "self_resolved", event.ref, event.id, None, event.closed_at))
            if event.warning and event.late:
                facts.append((event.reporter_id, "warning_late", event.ref, event.id, None, event.created_at))
            if event.warning and event.warning_truth == "属实" and not event.late:
                facts.append((event.reporter_id, "warning_timely_true", event.ref, event.id, None, event.created_at))
        if event.status == EventStatus.DELETED:
            failed = session.exec(
                select(EventHistory).where(EventHistory.event_id == event.id, EventHistory.action == "check_fail")
            ).first()
            moment = failed.at if failed is not None else event.updated_at
            for worker in _workers(session, event.grid_id):
                facts.append((worker, "unqualified", event.ref, event.id, None, moment))
    for task in session.exec(select(DirectiveTask)).all():
        if task.deadline is None or task.id is None:
            continue
        subject = f"T{task.id}"
        for worker in _workers(session, task.grid_id):
            if task.status == TaskStatus.DONE and task.done_at is not None and task.done_at <= task.deadline:
                facts.append((worker, "task_on_time", subject, task.event_id, task.directive_id, task.done_at))
            elif task.deadline <= now and (task.done_at is None or task.done_at > task.deadline):
                facts.append((worker, "task_overdue", subject, task.event_id, task.directive_id, task.deadline))
    for record in session.exec(select(ExternalRecord).where(col(ExternalRecord.missed))).all():
        for worker in _workers(session, record.grid_id):
            facts.append((worker, "warning_missed", f"R{record.id}", record.event_id, None, record.occurred_at))
    return facts


REVOKED = "_revoked"  # suffix of the rule of a row that takes back points an event no longer justifies
REVOCABLE = ("report", "self_resolved")


def update_ledger(session: Session, settings: Settings, now: datetime) -> int:
    """Add the ledger rows not yet written; returns how many were added.

    Rows are never changed or removed: points of an event that later leaves the statistics (抽查不合格) are taken
    back by a `…_revoked` row in the same month, so the ledger still explains every score.
    """
    rows = session.exec(select(ScoreEntry)).all()
    existing = {(r.person_id, r.rule, r.subject) for r in rows}
    facts = _facts(session, now)
    justified = {(person_id, rule, subject) for person_id, rule, subject, *_ in facts}
    added = 0
    for row in rows:
        key = (row.person_id, row.rule + REVOKED, row.subject)
        if row.rule in REVOCABLE and (row.person_id, row.rule, row.subject) not in justified and key not in existing:
            session.add(
                ScoreEntry(
                    person_id=row.person_id,
                    month=row.month,
                    rule=row.rule + REVOKED,
                    subject=row.subject,
                    event_id=row.event_id,
                    directive_id=row.directive_id,
                    points=-row.points,
                    at=now,
                )
            )
            existing.add(key)
            added += 1
    for person_id, rule, subject, event_id, directive_id, moment in facts:
        points = settings.score_rules.get(rule)
        if not points or (person_id, rule, subject) in existing:
            continue
        session.add(
            ScoreEntry(
                person_id=person_id,
                month=_month(moment),
                rule=rule,
                subject=subject,
                event_id=event_id,
                directive_id=directive_id,
                points=points,
                at=moment,
            )
        )
        existing.add((person_id, rule, subject))
        added += 1
    session.flush()
    return added


def score_of(session: Session, person_id: int, month: str) -> float:
    rows = session.exec(select(ScoreEntry).where(ScoreEntry.person_id == person_id, ScoreEntry.month == month)).all()
    return float(sum(r.points for r in rows))


@dataclass(frozen=True, slots=True)
class RankRow:
    rank: int
    name: str
    grid: str
    score: float
    details: dict[str, float]
    ratings: int = 0  # how departments rated the worker's cooperation (双向考核)
    average_rating: float | None = None


RULE_LABELS = {
    "report": "上报",
    "self_resolved": "自办结",
    "warning_timely_true": "及时属实预警",
    "warning_late": "迟报",
    "warning_missed": "漏报",
    "unqualified": "抽查不合格",
    "task_on_time": "指令按时完成",
    "task_overdue": "指令逾期",
}


def ranking(session: Session, month: str, *, town_id: int | None = None) -> list[RankRow]:
    """Every 专职网格员 (of the town, if given) ranked by the month's score; ties share a rank."""
    period = month_of(month)
    rated = worker_ratings(session, start=period.start, end=period.end)
    workers: dict[int, str] = {}
    for person in session.exec(select(Person).where(col(Person.active)).order_by(col(Person.id))).all():
        assert person.id is not None
        for role in org_repo.current_roles(session, person.id):
            if role.role == Role.GRID_WORKER and role.grid_id is not None:
                grid = org_repo.grid(session, role.grid_id)
                if town_id is None or org_repo.village(session, grid.village_id).town_id == town_id:
                    workers.setdefault(person.id, grid.name)
    rows = session.exec(select(ScoreEntry).where(ScoreEntry.month == month)).all()
    details: dict[int, dict[str, float]] = {pid: {} for pid in workers}
    for row in rows:
        if row.person_id in details:
            rule = row.rule.removesuffix(REVOKED)
            label = RULE_LABELS.get(rule, rule)
            details[row.person_id][label] = details[row.person_id].get(label, 0.0) + row.points
    scored = sorted(((sum(d.values()), pid) for pid, d in details.items()), key=lambda entry: (-entry[0], entry[1]))
    result: list[RankRow] = []
    previous: float | None = None
    rank = 0
    for index, (score, pid) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = index, score
        worker = session.get(Person, pid)
        assert worker is not None
        count, average = rated.get(pid, (0, None))
        result.append(RankRow(rank, worker.name, workers[pid], score, details[pid], count, average))
    return result
