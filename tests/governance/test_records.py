"""Imported external records: investigation tasks in the grids, and missed warnings (未报) cost points."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.records import import_records_file
from gridbot.clock import SimulatedClock
from gridbot.governance.scores import score_of, update_ledger
from gridbot.settings import Settings
from gridbot.storage.models import Event, ExternalRecord, OutboxMessage
from gridbot.storage.org_repo import person_by_name
from gridbot.storage.yamlfile import ImportFileError
from tests.helpers import START, load_example_org, text_message

RECORDS = """records:
  - {ref: "12345-001", source: 12345热线, grid: 红旗村一网格, occurred_at: "2026-04-01 20:00", warning: true,
     description: 红旗村1组两户因宅基地打起来了}
  - {ref: "110-002", source: 110警情, address: 红旗村3组东头, occurred_at: "2026-04-01 21:00", warning: true,
     description: 红旗村3组有人聚集}
  - {ref: "12345-003", source: 12345热线, grid: 前进社区网格, occurred_at: "2026-04-01 22:00", warning: false,
     description: 阳光花园路灯不亮}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "records.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_records_become_tasks_and_warning_records_without_a_warning_are_missed(engine: Engine, tmp_path: Path) -> None:
    load_example_org(engine)
    settings = Settings()
    Dispatcher(engine, settings, SimulatedClock(START)).handle(
        text_message("#预警 红旗村3组有人在组织聚集，情绪激动", "马婷", "红旗村二网格群")
    )
    now = START + timedelta(days=1)

    assert import_records_file(engine, write(tmp_path, RECORDS), now=now, settings=settings) == (3, 1)
    assert import_records_file(engine, write(tmp_path, RECORDS), now=now, settings=settings) == (0, 0)

    with Session(engine) as session:
        records = {r.external_ref: r for r in session.exec(select(ExternalRecord)).all()}
        assert [records[k].missed for k in ("12345-001", "110-002", "12345-003")] == [True, False, False]
        tasks = session.exec(select(Event).where(Event.source == "import")).all()
        assert len(tasks) == 3 and all(t.status == "open" for t in tasks)
        posts = session.exec(select(OutboxMessage).where(OutboxMessage.template == "investigation_task")).all()
        assert {p.conversation for p in posts} == {"红旗村一网格群", "红旗村二网格群", "前进社区网格群"}
        assert next(p for p in posts if p.conversation == "红旗村一网格群").mentions == ["刘洋"]
        update_ledger(session, settings, now)
        liu, ma = person_by_name(session, "刘洋"), person_by_name(session, "马婷")
        assert liu is not None and liu.id is not None and ma is not None and ma.id is not None
        assert score_of(session, liu.id, "2026-04") == settings.score_rules["warning_missed"]
        assert score_of(session, ma.id, "2026-04") == settings.score_rules["report"]


def test_a_record_in_an_unknown_grid_is_refused_with_its_line(engine: Engine, tmp_path: Path) -> None:
    load_example_org(engine)
    wrong = RECORDS.replace("grid: 前进社区网格", "grid: 白云网格")
    with pytest.raises(ImportFileError, match="白云网格") as refused:
        import_records_file(engine, write(tmp_path, wrong), now=START, settings=Settings())
    assert refused.value.line == 6
    with Session(engine) as session:
        assert session.exec(select(ExternalRecord)).all() == []
