"""The outbox sender: per-POST pacing, rooms kept in order, retries, parking, restarts and several instances."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.channels.gateway import GatewayChannel
from gridbot.bot.channels.wecom_api import WeComHttp
from gridbot.bot.channels.wecom_robot import RobotChannel
from gridbot.bot.metrics import Metrics
from gridbot.bot.outbox import next_attempt
from gridbot.bot.pacing import Budget, wait_before_post
from gridbot.bot.sender import STALE, Sender
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.database import transaction
from gridbot.storage.models import Group, OutboxMessage, SenderInstance
from tests.fakes.bridge import running_bridge
from tests.fakes.wecom_server import FakeWeCom
from tests.helpers import START, load_example_org

SECRET = "bridge-secret"
BINDINGS = "bindings:\n  红旗村一网格群: {gateway_room: room-1}\n  红旗村二网格群: {gateway_room: room-2}\n"
ROBOTS = "bindings:\n  红旗村一网格群: {robot_key: KEY-1}\n  红旗村二网格群: {robot_key: KEY-2}\n"


def queue(engine: Engine, group: str, *texts: str, state: str = "pending", claimed_by: str | None = None) -> list[int]:
    with transaction(engine) as session:
        found = session.exec(select(Group).where(Group.name == group)).one()
        rows = [
            OutboxMessage(
                group_id=found.id,
                conversation=group,
                text=t,
                created_at=START,
                state=state,
                claimed_by=claimed_by,
                next_attempt_at=START + timedelta(minutes=4) if state == "sending" else None,
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


async def drain(sender: Sender) -> int:
    """Deliver until nothing more is due at this moment (as the server's loop does)."""
    return await sender.deliver_due()


async def run_until_sent(sender: Sender, clock: SimulatedClock, engine: Engine, horizon: timedelta) -> None:
    """Deliver, then jump the clock to the next row due, until nothing is pending within the horizon."""
    end = clock.now() + horizon
    while True:
        await drain(sender)
        due = next_attempt(sender.engine, clock.now(), end)
        if due is None:
            return
        clock.set(due)


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    server = FakeWeCom()
    await server.start()
    yield server
    await server.close()


def gateway_sender(engine: Engine, http: aiohttp.ClientSession, url: str, **settings: object) -> Sender:
    clock = SimulatedClock(START)
    return Sender(engine, [GatewayChannel(SECRET, url, http)], Settings(**settings), clock, Metrics())  # type: ignore[arg-type]


def robot_sender(engine: Engine, http: aiohttp.ClientSession, fake: FakeWeCom, clock: SimulatedClock) -> Sender:
    fake.clock = lambda: clock.now().timestamp()  # WeCom's minute, on the test's clock
    return Sender(engine, [RobotChannel(WeComHttp(http, fake.base_url))], Settings(), clock, Metrics())


# ---- the pacing rule ----


def test_a_window_lets_a_small_burst_through_then_one_post_every_few_seconds() -> None:
    budget = Budget(limit=20, window=60.0, burst=5)
    posted: list[float] = []
    now = 0.0
    for _ in range(5):
        assert wait_before_post(posted, now, budget) == 0.0
        posted.append(now)
    assert wait_before_post(posted, now, budget) == pytest.approx(15.0)  # 5 in any 15 s
    now = 15.0
    assert wait_before_post(posted, now, budget) == 0.0  # the burst has left its window


def test_a_window_never_allows_more_than_its_limit_in_any_window() -> None:
    budget = Budget(limit=20, window=60.0, burst=5)
    posted: list[float] = []
    now = 0.0
    while now < 600:
        wait = wait_before_post(posted, now, budget)
        if wait == 0.0:
            posted.append(now)
        now += 0.25
    assert max(sum(1 for t in posted if start <= t < start + 60) for start in posted) == 20
    assert len(posted) >= 190  # and it does use its budget


# ---- pacing per target, order per room ----


async def test_messages_to_one_target_are_paced_and_others_are_not_held_up(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "a1", "a2", "a3", "a4")
    queue(engine, "红旗村二网格群", "b1")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        sender = gateway_sender(engine, http, bridge.url, rate_limits={"gateway": 2})
        clock = sender.clock
        assert isinstance(clock, SimulatedClock)
        assert await drain(sender) == 3
        assert [m["text"] for m in bridge.received] == ["a1", "b1", "a2"]
        clock.advance(timedelta(seconds=30))
        assert await drain(sender) == 0  # a3 waits until a1 leaves the window
        assert states(engine)[2] == ("a3", "pending", 0)  # a pacing pause is not a failed attempt
        clock.advance(timedelta(seconds=32))
        assert await drain(sender) == 2  # a1 and a2 have left the window (61 s)
    assert [m["text"] for m in bridge.received] == ["a1", "b1", "a2", "a3", "a4"]


async def test_when_a_rooms_first_message_fails_the_room_waits_in_order_and_other_rooms_go_on(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "已签收", "已办结", "已核查")
    queue(engine, "红旗村二网格群", "b1", "b2")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [500]  # the first POST fails: 已签收
        sender = gateway_sender(engine, http, bridge.url)
        clock = sender.clock
        assert isinstance(clock, SimulatedClock)
        await drain(sender)
        assert [m["text"] for m in bridge.received] == ["b1", "b2"]  # room 2 is not held up
        await run_until_sent(sender, clock, engine, timedelta(minutes=10))
    room_1 = [m["text"] for m in bridge.received if m["room"] == "room-1"]
    assert room_1 == ["已签收", "已办结", "已核查"]  # once each, in order, after the outage
    assert {state for _, state, _ in states(engine)} == {"sent"}


async def test_a_network_error_is_retried_with_back_off(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "hello")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [503]
        sender = gateway_sender(engine, http, bridge.url)
        clock = sender.clock
        assert isinstance(clock, SimulatedClock)
        assert await sender.deliver_batch() == 0
        assert states(engine) == [("hello", "pending", 1)]
        assert await sender.deliver_batch() == 0  # not due yet: back-off
        clock.advance(timedelta(seconds=5))
        assert await sender.deliver_batch() == 1
    assert states(engine) == [("hello", "sent", 2)]
    assert [m["text"] for m in bridge.received] == ["hello"]


# ---- parking ----


async def test_a_configuration_error_parks_the_message_with_an_alert_and_the_room_goes_on(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "hello", "next")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [403]
        sender = gateway_sender(engine, http, bridge.url)
        with caplog.at_level(logging.ERROR):
            await drain(sender)
    assert states(engine) == [("hello", "parked", 1), ("next", "sent", 1)]
    assert any("ALERT" in r.message and "parked" in r.message for r in caplog.records)
    with Session(engine) as session:
        parked = session.exec(select(OutboxMessage).where(OutboxMessage.state == "parked")).one()
        assert parked.last_error is not None and "configuration error" in parked.last_error


async def test_a_message_that_keeps_failing_is_parked_not_dropped(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "hello")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [503] * 3
        sender = gateway_sender(engine, http, bridge.url, send_max_attempts=3)
        clock = sender.clock
        assert isinstance(clock, SimulatedClock)
        await run_until_sent(sender, clock, engine, timedelta(hours=1))
    assert states(engine) == [("hello", "parked", 3)]


async def test_a_group_with_no_channel_keeps_its_message_parked(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "前进社区网格群", "nobody hears this")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        await gateway_sender(engine, http, bridge.url).deliver_batch()
    assert states(engine) == [("nobody hears this", "parked", 1)]


# ---- restarts and several instances ----


async def test_after_a_restart_every_row_is_delivered_once(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "红旗村一网格群", "left pending 1", "left pending 2")
    queue(engine, "红旗村二网格群", "claimed by a process that died", state="sending", claimed_by="dead")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        first = gateway_sender(engine, http, bridge.url)
        second = gateway_sender(engine, http, bridge.url)
        await asyncio.gather(drain(first), drain(second))
        await drain(first)
    assert sorted(m["text"] for m in bridge.received) == sorted(
        ["left pending 1", "left pending 2", "claimed by a process that died"]
    )
    assert {state for _, state, _ in states(engine)} == {"sent"}


async def test_a_crashed_instances_claims_are_taken_again_once_its_heartbeat_is_stale_not_after_the_lease(
    engine: Engine,
) -> None:
    load_example_org(engine, BINDINGS)
    with transaction(engine) as session:
        session.add(SenderInstance(id="crashed", started_at=START, heartbeat_at=START))
    queue(engine, "红旗村一网格群", "claimed just before the crash", state="sending", claimed_by="crashed")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        restarted = gateway_sender(engine, http, bridge.url)
        clock = restarted.clock
        assert isinstance(clock, SimulatedClock)
        clock.advance(timedelta(seconds=5))
        assert await restarted.deliver_batch() == 0  # the other instance may still be alive
        clock.set(START + STALE + timedelta(seconds=1))
        assert await restarted.deliver_batch() == 1  # well within 30 s, the lease had 4 minutes to run
    assert [m["text"] for m in bridge.received] == ["claimed just before the crash"]


async def test_a_live_instances_claim_holds_the_room_for_everyone_else(engine: Engine) -> None:
    load_example_org(engine, BINDINGS)
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        other = gateway_sender(engine, http, bridge.url)
        other.clock = SimulatedClock(START)
        other.beat()
        queue(engine, "红旗村一网格群", "being sent by the other", state="sending", claimed_by=other.instance)
        queue(engine, "红旗村一网格群", "behind it")
        sender = gateway_sender(engine, http, bridge.url)
        assert await drain(sender) == 0  # the room's head is another live instance's: wait, keep the order
    assert bridge.received == []


async def test_a_binding_from_the_configuration_reaches_a_group_the_organisation_file_left_unbound(
    engine: Engine,
) -> None:
    load_example_org(engine, BINDINGS)
    queue(engine, "前进社区网格群", "configured")
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        sender = gateway_sender(engine, http, bridge.url, bindings={"前进社区网格群": {"gateway_room": "room-9"}})
        assert await sender.deliver_batch() == 1
    assert [(m["room"], m["text"]) for m in bridge.received] == [("room-9", "configured")]


# ---- the group robot: every POST counted, parts resumed, 45009 ----


def content(body: dict[str, Any]) -> str:
    return str((body.get("text") or body.get("markdown") or {}).get("content", ""))


def robot_posts_in_any_window(times: list[float], window: float = 60.0) -> int:
    return max((sum(1 for t in times if start <= t < start + window) for start in times), default=0)


async def test_two_hundred_notices_to_one_robot_never_exceed_twenty_posts_a_minute_and_no_part_goes_twice(
    engine: Engine, fake: FakeWeCom
) -> None:
    load_example_org(engine, ROBOTS)

    def long_text(n: int) -> str:  # 6.3 KB: two markdown POSTs, each naming its notice
        return "\n".join(f"通知{n}第{i}行 " + "网" * 300 for i in range(7))

    texts = [f"通知{i}" if i % 10 else long_text(i) for i in range(200)]
    queue(engine, "红旗村一网格群", *texts)
    clock = SimulatedClock(START)
    async with aiohttp.ClientSession() as http:
        sender = robot_sender(engine, http, fake, clock)
        await run_until_sent(sender, clock, engine, timedelta(hours=2))
    assert fake.throttled == 0
    times = fake.robot_posts["KEY-1"]
    assert robot_posts_in_any_window(times) <= 20
    contents = [content(c.body) for c in fake.calls("webhook/send")]
    assert len(contents) == len(set(contents)) == 220  # 180 short + 20 long in two parts each, none twice
    assert {state for _, state, _ in states(engine)} == {"sent"}


async def test_a_message_that_fails_half_way_resumes_at_the_part_that_failed(engine: Engine, fake: FakeWeCom) -> None:
    load_example_org(engine, ROBOTS)
    pieces = [f"第{i}段 " + "事" * 1300 for i in range(3)]  # 3.9 KB each: three markdown POSTs
    queue(engine, "红旗村一网格群", "\n".join(pieces))
    fake.script("webhook/send", 0, -1)  # the first part goes, the second meets "system busy"
    clock = SimulatedClock(START)
    async with aiohttp.ClientSession() as http:
        sender = robot_sender(engine, http, fake, clock)
        await run_until_sent(sender, clock, engine, timedelta(minutes=10))
    sent = [content(c.body) for c in fake.calls("webhook/send")]
    assert [s.split(" ")[0] for s in sent] == ["第0段", "第1段", "第1段", "第2段"]  # part 2 retried, part 1 not
    with Session(engine) as session:
        row = session.exec(select(OutboxMessage)).one()
        assert (row.state, row.parts_sent, row.via) == ("sent", 3, "robot")


async def test_a_45009_holds_the_whole_robot_for_a_minute_and_loses_nothing(engine: Engine, fake: FakeWeCom) -> None:
    load_example_org(engine, ROBOTS)
    queue(engine, "红旗村一网格群", "m1", "m2")
    queue(engine, "红旗村二网格群", "other robot")
    fake.script("webhook/send", 45009)  # another program used up this robot's minute
    clock = SimulatedClock(START)
    async with aiohttp.ClientSession() as http:
        sender = robot_sender(engine, http, fake, clock)
        await drain(sender)
        assert [c.query["key"] for c in fake.calls("webhook/send")] == ["KEY-1", "KEY-2"]
        clock.advance(timedelta(seconds=59))
        await drain(sender)
        assert len(fake.calls("webhook/send")) == 2  # KEY-1 is held for the minute
        await run_until_sent(sender, clock, engine, timedelta(minutes=10))
    first_robot = [c.body["text"]["content"] for c in fake.calls("webhook/send") if c.query["key"] == "KEY-1"]
    assert first_robot == ["m1", "m1", "m2"]
    assert {state for _, state, _ in states(engine)} == {"sent"}


async def test_two_senders_share_one_robots_budget(engine: Engine, fake: FakeWeCom) -> None:
    load_example_org(engine, ROBOTS)
    queue(engine, "红旗村一网格群", *[f"n{i}" for i in range(60)])
    clock = SimulatedClock(START)
    async with aiohttp.ClientSession() as http:
        first = robot_sender(engine, http, fake, clock)
        second = robot_sender(engine, http, fake, clock)
        end = clock.now() + timedelta(minutes=10)
        while True:
            await asyncio.gather(drain(first), drain(second))
            due = next_attempt(engine, clock.now(), end)
            if due is None:
                break
            clock.set(due)
    assert fake.throttled == 0
    assert robot_posts_in_any_window(fake.robot_posts["KEY-1"]) <= 20
    texts = [c.body["text"]["content"] for c in fake.calls("webhook/send")]
    assert texts == [f"n{i}" for i in range(60)]  # once each, in order, across both senders
