"""Monthly scores of grid workers (workflow.md §6): a ledger derived from the record, one row per point change.

`update_ledger` reads only what changed since its last run (history entries past its watermarks, external records
imported since, task deadlines that passed since) and re-derives the facts of those subjects alone: rows the facts
now justify are added, rows they no longer justify are taken back by a `…_revoked` row. Rows are never edited or
removed, so every score can be explained row by row, and a run with nothing new reads nothing but the watermarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from gridbot.clock import local
from gridbot.governance.lookup import grid_worker_ids
from gridbot.periods import month_of
from gridbot.settings import Settings
from gridbot.storage import org_repo, score_repo
from gridbot.storage.models.directives import DirectiveTask, TaskStatus
from gridbot.storage.models.events import Closure, Event, EventStatus
from gridbot.storage.models.records import ExternalRecord
from gridbot.storage.stats import worker_ratings

REPORT_SOURCES = ("report", "warning")
REVOKED = "_revoked"  # suffix of the rule of a row that takes back points an event no longer justifies
REVOCABLE = ("report", "self_resolved")
EVENT_MARK, DIRECTIVE_MARK, RECORD_MARK, CLOCK_MARK = (
    "ledger.event_history",
    "ledger.directive_history",
    "ledger.external_record",
    "ledger.clock",
)


@dataclass(frozen=True, slots=True)
class Fact:
    """Something that earns or costs a person points: (person, rule, subject) is unique in the ledger."""

    person_id: int
    rule: str
    subject: str
    event_id: int | None
    directive_id: int | None
    moment: datetime


class GridWorkers:
    """The 专职网格员 of each grid, read once per ledger run (a first build sees every event of the year; the
    grids are a few hundred)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[int, list[int]] = {}

    def of(self, grid_id: int) -> list[int]:
        if grid_id not in self.known:
            self.known[grid_id] = grid_worker_ids(self.session, grid_id)
        return self.known[grid_id]


def _event_facts(event: Event, workers_of: GridWorkers, check_fails: dict[int, datetime]) -> list[Fact]:
    assert event.id is not None
    facts: list[Fact] = []
    workers = workers_of.of(event.grid_id)
    reporter = event.reporter_id
    # A withdrawn event earns nothing; an unqualified (deleted) one leaves the statistics and only costs (below).
    counted = event.status not in (EventStatus.DELETED, EventStatus.WITHDRAWN)
    if counted and reporter is not None and reporter in workers:

        def fact(rule: str, moment: datetime) -> Fact:
            assert reporter is not None
            return Fact(reporter, rule, event.ref, event.id, None, moment)

        facts.append(fact("report", event.created_at))
        if event.closure == Closure.SELF and event.closed_at is not None:
            facts.append(fact("self_resolved", event.closed_at))
        if event.warning and event.late:
            facts.append(fact("warning_late", event.created_at))
        if event.warning and event.warning_truth == "属实" and not event.late:
            facts.append(fact("warning_timely_true", event.created_at))
    if event.status == EventStatus.DELETED:
        moment = check_fails.get(event.id) or event.updated_at
        facts += [Fact(w, "unqualified", event.ref, event.id, None, moment) for w in workers]
    return facts


def _task_facts(task: DirectiveTask, now: datetime, workers_of: GridWorkers) -> list[Fact]:
    if task.deadline is None or task.id is None:
        return []
    subject = f"T{task.id}"
    facts: list[Fact] = []
    for worker in workers_of.of(task.grid_id):
        if task.status == TaskStatus.DONE and task.done_at is not None and task.done_at <= task.deadline:
            facts.append(Fact(worker, "task_on_time", subject, task.event_id, task.directive_id, task.done_at))
        elif task.deadline <= now and (task.done_at is None or task.done_at > task.deadline):
            facts.append(Fact(worker, "task_overdue", subject, task.event_id, task.directive_id, task.deadline))
    return facts


def _record_facts(record: ExternalRecord, workers_of: GridWorkers) -> list[Fact]:
    return [
        Fact(w, "warning_missed", f"R{record.id}", record.event_id, None, record.occurred_at)
        for w in workers_of.of(record.grid_id)
    ]


@dataclass(frozen=True, slots=True)
class LedgerRun:
    examined: int  # subjects whose facts were derived again
    added: int  # ledger rows written (new points and revocations)


def update_ledger(session: Session, settings: Settings, now: datetime) -> LedgerRun:
    """Bring the ledger up to date with what changed since the last run (the first run reads everything)."""
    marks = {
        name: score_repo.watermark(session, name) for name in (EVENT_MARK, DIRECTIVE_MARK, RECORD_MARK, CLOCK_MARK)
    }
    tops = {
        EVENT_MARK: score_repo.top_event_history(session),
        DIRECTIVE_MARK: score_repo.top_directive_history(session),
        RECORD_MARK: score_repo.top_external_record(session),
    }
    facts: dict[str, list[Fact]] = {}
    workers_of = GridWorkers(session)
    check_fails = score_repo.first_check_fails(session, marks[EVENT_MARK].position, tops[EVENT_MARK])
    for event in score_repo.events_changed(session, marks[EVENT_MARK].position, tops[EVENT_MARK], REPORT_SOURCES):
        facts[event.ref] = _event_facts(event, workers_of, check_fails)
    for task in score_repo.tasks_changed(
        session, marks[DIRECTIVE_MARK].position, tops[DIRECTIVE_MARK], marks[CLOCK_MARK].at, now
    ):
        facts[f"T{task.id}"] = _task_facts(task, now, workers_of)
    for record in score_repo.missed_records(session, marks[RECORD_MARK].position, tops[RECORD_MARK]):
        facts[f"R{record.id}"] = _record_facts(record, workers_of)
    added = _write(session, settings, facts, now)
    for name, top in tops.items():
        marks[name].position = top
    last = marks[CLOCK_MARK].at
    if last is None or now > last:
        marks[CLOCK_MARK].at = now
    for mark in marks.values():
        score_repo.save_watermark(session, mark)
    session.flush()
    return LedgerRun(examined=len(facts), added=added)


def _write(session: Session, settings: Settings, facts: dict[str, list[Fact]], now: datetime) -> int:
    """Add the rows the facts justify and are missing; take back revocable rows they no longer justify. The new
    rows go in as one multi-row insert (a first build writes a year of them)."""
    rows = score_repo.entries_of(session, sorted(facts))
    existing = {(r.person_id, r.rule, r.subject) for r in rows}
    justified = {(f.person_id, f.rule, f.subject) for found in facts.values() for f in found}
    new: list[dict[str, object]] = []
    for row in rows:
        key = (row.person_id, row.rule + REVOKED, row.subject)
        if row.rule in REVOCABLE and (row.person_id, row.rule, row.subject) not in justified and key not in existing:
            new.append(
                {
                    "person_id": row.person_id,
                    "month": row.month,
                    "rule": row.rule + REVOKED,
                    "subject": row.subject,
                    "event_id": row.event_id,
                    "directive_id": row.directive_id,
                    "points": -row.points,
                    "at": now,
                }
            )
            existing.add(key)
    for fact in (f for found in facts.values() for f in found):
        points = settings.score_rules.get(fact.rule)
        key = (fact.person_id, fact.rule, fact.subject)
        if not points or key in existing:
            continue
        new.append(
            {
                "person_id": fact.person_id,
                "month": f"{local(fact.moment):%Y-%m}",
                "rule": fact.rule,
                "subject": fact.subject,
                "event_id": fact.event_id,
                "directive_id": fact.directive_id,
                "points": points,
                "at": fact.moment,
            }
        )
        existing.add(key)
    score_repo.add_entries(session, new)
    return len(new)


def score_of(session: Session, person_id: int, month: str) -> float:
    return score_repo.score_of(session, person_id, month)


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
    workers = org_repo.grid_workers(session, town_id=town_id)
    names = org_repo.person_names(session, list(workers))
    details: dict[int, dict[str, float]] = {pid: {} for pid in workers}
    for person_id, rule_name, points in score_repo.month_totals(session, month):
        if person_id in details:
            rule = rule_name.removesuffix(REVOKED)
            label = RULE_LABELS.get(rule, rule)
            details[person_id][label] = details[person_id].get(label, 0.0) + points
    scored = sorted(((sum(d.values()), pid) for pid, d in details.items()), key=lambda entry: (-entry[0], entry[1]))
    result: list[RankRow] = []
    previous: float | None = None
    rank = 0
    for index, (score, pid) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = index, score
        count, average = rated.get(pid, (0, None))
        result.append(RankRow(rank, names[pid], workers[pid], score, details[pid], count, average))
    return result
