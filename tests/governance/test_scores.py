"""The score ledger is kept up to date from what changed since its last run, never by rescanning everything."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SimulatedClock
from gridbot.governance.scores import LedgerRun, score_of, update_ledger
from gridbot.settings import Settings
from gridbot.storage.models import ScoreEntry
from gridbot.storage.org_repo import person_by_name
from tests.helpers import START, load_example_org, text_message

SETTINGS = Settings()
POINTS = SETTINGS.score_rules


def ledger(engine: Engine, clock: SimulatedClock) -> LedgerRun:
    with Session(engine) as session:
        run = update_ledger(session, SETTINGS, clock.now())
        session.commit()
        return run


def score(engine: Engine, name: str) -> float:
    with Session(engine) as session:
        person = person_by_name(session, name)
        assert person is not None and person.id is not None
        return score_of(session, person.id, "2026-04")


def test_a_run_reads_only_the_subjects_that_changed_since_the_last_one(engine: Engine) -> None:
    load_example_org(engine)
    clock = SimulatedClock(START)
    dispatcher = Dispatcher(engine, SETTINGS, clock)

    def say(text: str, by: str, group: str) -> None:
        dispatcher.handle(text_message(text, by, group, at=clock.now()))

    say("【事件上报】\n地点：红旗村1组\n处置前：路边垃圾堆积\n处置后：已清理干净", "刘洋", "红旗村一网格群")
    say("#上报 红旗村3组路灯不亮", "马婷", "红旗村二网格群")

    first = ledger(engine, clock)
    assert first.examined == 2 and first.added == 3  # E1: report + self-resolved; E2: report
    assert score(engine, "刘洋") == POINTS["report"] + POINTS["self_resolved"]

    assert ledger(engine, clock) == LedgerRun(examined=0, added=0)

    clock.advance(timedelta(minutes=5))
    say("#上报 红旗村4组排水沟堵塞", "马婷", "红旗村二网格群")
    assert ledger(engine, clock) == LedgerRun(examined=1, added=1)
    assert score(engine, "马婷") == 2 * POINTS["report"]


def test_points_an_event_no_longer_justifies_are_taken_back_by_a_row_of_their_own(engine: Engine) -> None:
    load_example_org(engine)
    clock = SimulatedClock(START)
    dispatcher = Dispatcher(engine, SETTINGS, clock)
    dispatcher.handle(text_message("【事件上报】\n处置前：红旗村1组路边垃圾\n处置后：已清理", "刘洋", "红旗村一网格群"))
    ledger(engine, clock)

    dispatcher.handle(text_message("抽查 E1 不合格 照片与地点不符", "林坐席", "永乐镇网格中心群"))
    run = ledger(engine, clock)

    assert run.examined == 1
    with Session(engine) as session:
        rules = sorted(row.rule for row in session.exec(select(ScoreEntry)).all())
    assert rules == ["report", "report_revoked", "self_resolved", "self_resolved_revoked", "unqualified"]
    assert score(engine, "刘洋") == POINTS.get("unqualified", 0)
