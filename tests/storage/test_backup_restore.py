"""`gridbot db backup` and the restore of docs/operations.md give back every row, and the restored database runs."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, SQLModel, select

from gridbot.bot.cli import main
from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.backup import libpq_url
from gridbot.storage.database import make_engine
from gridbot.storage.migrate import upgrade
from gridbot.storage.models import Event
from tests.conftest import BACKEND, DATABASE_URL
from tests.helpers import START, load_example_org, text_message


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def fill(engine: Engine) -> None:
    upgrade(engine)
    load_example_org(engine)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(START))
    dispatcher.handle(text_message("#上报 红旗村1组路边垃圾堆积，电话13800138000", "刘洋", "红旗村一网格群"))
    dispatcher.handle(text_message("上报中心 E1 需清运", "刘洋", "红旗村一网格群"))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A whole database of its own (a file, or a PostgreSQL database), as a deployment has."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    name = f"b_{uuid.uuid4().hex[:12]}"
    admin = make_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def restore(backup: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """The restore steps of docs/operations.md; returns the restored database's URL and what to drop after."""
    if BACKEND == "sqlite":
        restored = tmp_path / "restored.db"
        restored.write_bytes(backup.read_bytes())  # stop the service, put the file back
        return f"sqlite:///{restored}", []
    name = f"r_{uuid.uuid4().hex[:12]}"
    url = DATABASE_URL.rsplit("/", 1)[0] + f"/{name}"
    admin = make_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    subprocess.run(["pg_restore", "--no-owner", "--dbname", libpq_url(url), str(backup)], check=True)
    return url, [name]


def test_a_backup_restores_every_row_and_the_restored_database_runs(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live = make_engine(database)
    fill(live)
    before = counts(live)
    assert before["event"] == 1 and before["outbox_message"] > 0

    monkeypatch.setenv("GRIDBOT_DATABASE_URL", database)
    target = tmp_path / "gridbot-2026-04-01.backup"
    assert main(["db", "backup", str(target)]) == 0
    assert "已备份" in capsys.readouterr().out
    assert main(["db", "backup", str(target)]) == 2  # never over an earlier backup
    live.dispose()

    url, dropped = restore(target, tmp_path)
    restored = make_engine(url)
    try:
        assert counts(restored) == before
        upgrade(restored)  # already at the latest revision: nothing to do
        Dispatcher(restored, Settings(), SimulatedClock(START)).handle(
            text_message("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群")
        )
        with Session(restored) as session:
            event = session.get(Event, 1)
            assert event is not None and event.status == "dispatched"
    finally:
        restored.dispose()
        if dropped:
            admin = make_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for name in dropped:
                    conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
            admin.dispose()
