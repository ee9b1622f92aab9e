"""The outbox sender: pacing per target, retries with back-off, configuration errors, restarts."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.channels.gateway import GatewayChannel
from gridbot.bot.metrics import Metrics
from gridbot.bot.sender import Sender, TokenBucket
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.database import transaction
from gridbot.storage.models import Group, OutboxMessage
from tests.fakes.bridge import running_bridge
from tests.helpers import START, load_example_org

SECRET = "bridge-secret"
BINDINGS = "bindings:\n  红旗村一网格群: {gateway_room: room-1}\n  红旗村二网格群: {gateway_room: room-2}\n"


def queue(engine: Engine, group: str, *texts: str, state: str = "pending") -> list[int]:
    with transaction(engine) as session:
        found = session.exec(select(Group).where(Group.name == group)).one()
        rows = [
            OutboxMessage(
                group_id=found.id,
                conversation=group,
                text=t,
                created_at=START,
                state=state,
                next_attempt_at=START - timedelta(minutes=10) if state == "sending" else None,
            )
            for t in texts
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows if r.id is not None]


def states(engine: Engine) -> list[tuple[str, str, int]]:
    with Session(engine) as session:
        return [
            (r.text, r.state, r.attempts) for r in session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        ]


def test_a_token_bucket_lets_a_burst_through_then_paces() -> None:
    now = [0.0]
    bucket = TokenBucket(20, lambda: now[0])
    assert [bucket.take() for _ in range(20)] == [0.0] * 20
    assert bucket.take() == pytest.approx(3.0)
    now[0] += 3.0
    assert bucket.take() == 0.0


async def make_sender(
    engine: Engine, http: aiohttp.ClientSession, url: str, **settings: object
) -> tuple[Sender, SimulatedClock]:
    clock = SimulatedClock(START)
    channel = GatewayChannel(SECRET, url, http)
    sender = Sender(
        engine,
        [channel],
        Settings(**settings),
        clock,
        Metrics(),  # type: ignore[arg-type]
        monotonic=lambda: clock.now().timestamp(),  # the pacing follows the same simulated clock
    )
    return sender, clock


async def test_messages_to_one_target_are_paced_and_others_are_not_held_up(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "a1", "a2", "a3", "a4")
    queue(engine, "红旗村二网格群", "b1")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        sender, clock = await make_sender(engine, http, bridge.url, rate_limits={"gateway": 2})
        assert await sender.deliver_batch() == 3
        assert [m["text"] for m in bridge.received] == ["a1", "a2", "b1"]
        assert await sender.deliver_batch() == 0  # a3, a4 wait for the bucket
        clock.advance(timedelta(seconds=31))
        assert await sender.deliver_batch() == 1
    assert [m["text"] for m in bridge.received] == ["a1", "a2", "b1", "a3"]
    assert states(engine)[3][1] == "pending"


async def test_a_network_error_is_retried_with_back_off(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "hello")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [503]
        sender, clock = await make_sender(engine, http, bridge.url)
        assert await sender.deliver_batch() == 0
        assert states(engine) == [("hello", "pending", 1)]
        assert await sender.deliver_batch() == 0  # not due yet: back-off
        clock.advance(timedelta(seconds=5))
        assert await sender.deliver_batch() == 1
    assert states(engine) == [("hello", "sent", 2)]
    assert [m["text"] for m in bridge.received] == ["hello"]


async def test_a_configuration_error_fails_the_message_with_an_alert_and_no_retry(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "hello")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [403]
        sender, clock = await make_sender(engine, http, bridge.url)
        with caplog.at_level(logging.ERROR):
            await sender.deliver_batch()
        clock.advance(timedelta(hours=1))
        assert await sender.deliver_batch() == 0
    assert states(engine) == [("hello", "failed", 1)]
    assert any("ALERT" in r.message for r in caplog.records)


async def test_a_group_with_no_channel_keeps_its_message_as_undeliverable(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "前进社区网格群", "nobody hears this")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        sender, _ = await make_sender(engine, http, bridge.url)
        await sender.deliver_batch()
    assert states(engine) == [("nobody hears this", "undeliverable", 1)]


async def test_after_a_restart_every_row_is_delivered_once(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "left pending 1", "left pending 2")
    queue(engine, "红旗村二网格群", "claimed by a process that died", state="sending")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        first, _ = await make_sender(engine, http, bridge.url)
        second, _ = await make_sender(engine, http, bridge.url)
        await asyncio.gather(first.deliver_batch(), second.deliver_batch())
        await first.deliver_batch()
    assert sorted(m["text"] for m in bridge.received) == sorted(
        ["left pending 1", "left pending 2", "claimed by a process that died"]
    )
    assert {state for _, state, _ in states(engine)} == {"sent"}


async def test_a_binding_from_the_configuration_reaches_a_group_the_organisation_file_left_unbound(
    engine: Engine,
) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "前进社区网格群", "configured")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        sender, _ = await make_sender(engine, http, bridge.url, bindings={"前进社区网格群": {"gateway_room": "room-9"}})
        assert await sender.deliver_batch() == 1
    assert [(m["room"], m["text"]) for m in bridge.received] == [("room-9", "configured")]
