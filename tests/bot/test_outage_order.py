"""After channel outages every room's messages arrive once and in order: a bridge that fails at random (500, 429,
503) for a while, then recovers, under the real sender and pacing, on a simulated clock. The long version is
behind the `reliability` marker (docs/operations.md)."""

from __future__ import annotations

import random
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.channels.gateway import GatewayChannel
from gridbot.bot.metrics import Metrics
from gridbot.bot.outbox import next_attempt
from gridbot.bot.sender import Sender
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.database import transaction
from gridbot.storage.models import Group, OutboxMessage
from tests.fakes.bridge import running_bridge
from tests.helpers import START, load_example_org

SECRET = "bridge-secret"


async def outage_then_recovery(engine: Engine, per_room: int, failures: int, seed: int) -> None:
    load_example_org(engine)
    rng = random.Random(seed)
    with transaction(engine) as session:
        groups = session.exec(select(Group)).all()
        for group in groups:
            group.bindings = {"gateway_room": f"room-{group.id}"}
            session.add(group)
        rows = [(g, n) for g in groups for n in range(per_room)]
        rng.shuffle(rows)  # rooms interleaved as a busy day writes them
        order = {g.name: 0 for g in groups}
        for group, _ in rows:
            session.add(
                OutboxMessage(
                    group_id=group.id,
                    conversation=group.name,
                    text=f"{group.name}#{order[group.name]}",
                    created_at=START,
                )
            )
            order[group.name] += 1
    async with running_bridge(SECRET) as bridge, aiohttp.ClientSession() as http:
        bridge.statuses = [rng.choice([500, 503, 429, 200]) for _ in range(failures)]  # the outage, then calm
        clock = SimulatedClock(START)
        settings = Settings(send_max_attempts=1000, rate_limits={"gateway": 60})
        sender = Sender(engine, [GatewayChannel(SECRET, bridge.url, http)], settings, clock, Metrics())
        end = START + timedelta(days=2)
        while True:
            await sender.deliver_due()
            due = next_attempt(engine, clock.now(), end)
            if due is None:
                break
            clock.set(due)
        received = [m["text"] for m in bridge.received]
    with Session(engine) as session:
        states = {row.state for row in session.exec(select(OutboxMessage)).all()}
    assert states == {"sent"}
    assert len(received) == len(set(received)) == len(rows)  # each once
    for group in groups:
        mine = [text for text in received if text.startswith(f"{group.name}#")]
        assert mine == [f"{group.name}#{n}" for n in range(per_room)]  # in order, room by room


async def test_after_an_outage_every_rooms_messages_arrive_once_and_in_order(engine: Engine) -> None:
    await outage_then_recovery(engine, per_room=6, failures=40, seed=7)


@pytest.mark.reliability
@pytest.mark.parametrize("seed", range(5))
async def test_long_outages_keep_every_room_in_order(engine: Engine, seed: int) -> None:
    await outage_then_recovery(engine, per_room=60, failures=600, seed=seed)
