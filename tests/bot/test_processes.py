"""Real `gridbot serve` processes: a crash and a restart lose nothing and wait no lease; two processes on one
PostgreSQL database keep one room's budget between them."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from gridbot.clock import SystemClock
from gridbot.storage.database import make_engine, transaction
from gridbot.storage.migrate import upgrade
from gridbot.storage.models import Group, OutboxMessage, SenderInstance
from tests.conftest import BACKEND, DATABASE_URL
from tests.fakes.bridge import FakeBridge, running_bridge
from tests.helpers import load_example_org

SECRET = "bridge-secret"


@dataclass
class Store:
    url: str  # what a process is given in GRIDBOT_DATABASE_URL
    engine: Engine
    env: dict[str, str]  # and in its environment (PGOPTIONS: the schema of this test)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A database the test and its `gridbot serve` processes share (a file, or a PostgreSQL schema)."""
    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        engine = make_engine(url)
        upgrade(engine)
        yield Store(url, engine, {})
        engine.dispose()
        return
    schema = f"p_{uuid.uuid4().hex[:12]}"
    admin = make_engine(DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    options = f"-csearch_path={schema}"
    engine = make_engine(DATABASE_URL, connect_args={"options": options})
    upgrade(engine)
    yield Store(DATABASE_URL, engine, {"PGOPTIONS": options})
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving(store: Store, bridge: FakeBridge, **env: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`gridbot serve` in its own process, killed with SIGKILL at the end if still running."""
    environment = {
        **os.environ,
        "GRIDBOT_DATABASE_URL": store.url,
        "GRIDBOT_GATEWAY_SECRET": SECRET,
        "GRIDBOT_GATEWAY_URL": bridge.url,
        **store.env,
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gridbot.bot.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(free_port()),
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            await process.wait()


async def until(condition: object, seconds: float) -> float:
    """Wait until `condition()` holds; returns the seconds it took (fails after `seconds`)."""
    start = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - start < seconds, "condition not met in time"
        await asyncio.sleep(0.05)
    return time.monotonic() - start


def queue(engine: Engine, group: str, texts: list[str], **fields: object) -> None:
    with transaction(engine) as session:
        found = session.exec(select(Group).where(Group.name == group)).one()
        now = SystemClock().now()
        session.add_all(
            OutboxMessage(group_id=found.id, conversation=group, text=t, created_at=now, **fields)  # type: ignore[arg-type]
            for t in texts
        )


def sent_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(OutboxMessage).where(OutboxMessage.state == "sent")).all())


async def test_a_killed_process_loses_nothing_and_its_claims_go_out_within_30_s_of_the_restart(store: Store) -> None:
    load_example_org(store.engine, "bindings:\n  红旗村一网格群: {gateway_room: room-1}\n")
    texts = [f"消息{i}" for i in range(12)]
    queue(store.engine, "红旗村一网格群", texts)
    async with running_bridge(SECRET) as bridge:
        bridge.delay = 0.4  # slow enough to kill the process in the middle of the queue
        async with serving(store, bridge) as first:
            await until(lambda: len(bridge.received) >= 3, 60)
            first.send_signal(signal.SIGKILL)  # no shutdown, no cleanup: a row is held by a dead instance
            await first.wait()
        with Session(store.engine) as session:
            held = session.exec(select(OutboxMessage).where(OutboxMessage.state == "sending")).all()
        assert len(held) == 1  # the room's head, claimed by the process that died
        bridge.delay = 0.0
        async with serving(store, bridge):
            took = await until(lambda: sent_count(store.engine) == len(texts), 60)
    assert took < 30  # not the 5-minute lease
    received = [m["text"] for m in bridge.received]
    assert set(received) == set(texts)  # nothing lost
    assert received == sorted(received, key=texts.index)  # in order
    assert len(received) - len(texts) <= 1  # at least once: only the message in flight at the kill may repeat


@pytest.mark.skipif(BACKEND != "postgresql", reason="several processes on one database need PostgreSQL")
async def test_two_processes_on_postgresql_keep_one_rooms_budget_between_them(store: Store) -> None:
    both_to_one_room = "bindings:\n  红旗村一网格群: {gateway_room: room-1}\n  红旗村二网格群: {gateway_room: room-1}\n"
    load_example_org(store.engine, both_to_one_room)
    queue(store.engine, "红旗村一网格群", [f"一{i}" for i in range(8)])
    queue(store.engine, "红旗村二网格群", [f"二{i}" for i in range(8)])
    pacing = {
        "GRIDBOT_RATE_LIMITS": '{"gateway": 4}',
        "GRIDBOT_RATE_BURSTS": '{"gateway": 4}',
        "GRIDBOT_RATE_WINDOW_SECONDS": "3",
    }
    async with running_bridge(SECRET) as bridge:
        async with serving(store, bridge, **pacing), serving(store, bridge, **pacing):
            await until(lambda: len(bridge.received) >= 16, 90)
        with Session(store.engine) as session:
            instances = session.exec(select(SenderInstance)).all()
    assert len(instances) == 2
    times = bridge.times
    # Each POST is admitted before it is sent, so arrivals may bunch by a few milliseconds: allow 0.2 s.
    assert max(sum(1 for t in times if start <= t < start + 3 - 0.2) for start in times) <= 4
    texts = [m["text"] for m in bridge.received]
    assert sorted(texts) == sorted([f"一{i}" for i in range(8)] + [f"二{i}" for i in range(8)])  # once each
    for prefix in ("一", "二"):
        assert [t for t in texts if t.startswith(prefix)] == [f"{prefix}{i}" for i in range(8)]
