"""`gridbot serve` end to end through the JSON gateway: a signed message in, the event made, the reply out."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from gridbot.bot.channels.gateway import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from gridbot.bot.server import build_app
from gridbot.clock import SystemClock
from gridbot.settings import Settings
from gridbot.storage.models import Event, InboxMessage
from tests.fakes.bridge import FakeBridge, running_bridge
from tests.helpers import load_example_org

SECRET = "gateway-secret"
BINDINGS = "bindings:\n  红旗村一网格群: {gateway_room: room-1}\n  永乐镇网格中心群: {gateway_room: room-center}\n"


@asynccontextmanager
async def serving(
    engine: Engine, max_body_bytes: int = 1_000_000
) -> AsyncIterator[tuple[TestClient[Any, Any], FakeBridge]]:
    load_example_org(engine, BINDINGS)
    async with running_bridge(SECRET) as bridge:
        settings = Settings(
            gateway_secret=SECRET,
            gateway_url=bridge.url,
            max_body_bytes=max_body_bytes,  # type: ignore[arg-type]
        )
        app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        try:
            yield client, bridge
        finally:
            await client.close()


def signed(payload: dict[str, Any] | bytes, *, secret: str = SECRET, at: float | None = None) -> dict[str, Any]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    timestamp = str(int(at if at is not None else time.time()))
    return {
        "data": body,
        "headers": {
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            "Content-Type": "application/json",
        },
    }


def report(message_id: str = "bridge-1") -> dict[str, Any]:
    return {
        "message_id": message_id,
        "room": "room-1",
        "sender": "liuyang",
        "text": "#上报 红旗村1组路灯不亮，电话13800138000",
    }


async def until(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


def count(engine: Engine, model: type) -> int:  # type: ignore[type-arg]
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


async def test_a_bridged_report_becomes_an_event_and_the_reply_reaches_the_bridge(engine: Engine) -> None:
    async with serving(engine) as (client, bridge):
        response = await client.post("/gateway/messages", **signed(report()))
        assert response.status == 200 and await response.json() == {"ok": True, "duplicate": False}
        await until(lambda: bridge.received)

    [reply] = bridge.received
    assert reply["room"] == "room-1" and "E1" in reply["text"] and "已登记" in reply["text"]
    assert count(engine, Event) == 1


async def test_a_retried_delivery_is_answered_and_ignored(engine: Engine) -> None:
    async with serving(engine) as (client, bridge):
        await client.post("/gateway/messages", **signed(report()))
        again = await client.post("/gateway/messages", **signed(report()))
        assert again.status == 200 and (await again.json())["duplicate"] is True
        await until(lambda: bridge.received)
        await asyncio.sleep(0.2)
    assert count(engine, InboxMessage) == 1 and count(engine, Event) == 1 and len(bridge.received) == 1


async def test_forged_stale_and_malformed_requests_are_refused_and_store_nothing(engine: Engine) -> None:
    async with serving(engine, max_body_bytes=20_000) as (client, _):

        async def post(args: dict[str, Any]) -> tuple[int, str]:
            response = await client.post("/gateway/messages", data=io.BytesIO(args["data"]), headers=args["headers"])
            return response.status, await response.text()

        refused = [
            await post(signed(report(), secret="wrong")),  # forged
            await post(signed(report(), at=time.time() - 3600)),  # stale
            await post(signed(b'{"room": "room-1"}')),  # no message id, no sender
            await post(signed(b"<xml/>")),  # not JSON
            await post(signed(b"x" * 20_001)),  # too large
        ]
        accepted = signed(report("bridge-9"))
        first, replayed = await post(accepted), await post(accepted)
    assert [status for status, _ in refused] == [403, 403, 400, 400, 413]
    assert not any("Traceback" in body for _, body in refused)
    assert first[0] == 200 and json.loads(replayed[1])["duplicate"] is True  # a replay is deduplicated
    assert count(engine, InboxMessage) == 1


async def test_when_the_store_is_down_the_bridge_is_told_to_retry(engine: Engine) -> None:
    async with serving(engine) as (client, _):
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE inbox_message RENAME TO inbox_gone"))
        try:
            response = await client.post("/gateway/messages", **signed(report()))
        finally:
            with engine.begin() as connection:
                connection.execute(text("ALTER TABLE inbox_gone RENAME TO inbox_message"))
    assert response.status == 503


async def test_health_and_metrics(engine: Engine) -> None:
    async with serving(engine) as (client, bridge):
        await client.post("/gateway/messages", **signed(report()))
        await until(lambda: bridge.received)
        health = await client.get("/healthz")
        metrics = await (await client.get("/metrics")).text()
    assert health.status == 200
    assert 'gridbot_messages_in_total{channel="gateway"} 1.0' in metrics
    assert 'gridbot_events{status="open"} 1.0' in metrics
    assert "gridbot_outbox_messages" in metrics and "gridbot_processing_seconds_count 1.0" in metrics


async def test_shutdown_finishes_accepted_messages_and_sends_their_replies(engine: Engine) -> None:
    async with serving(engine) as (client, bridge):
        for n in range(3):
            response = await client.post("/gateway/messages", **signed(report(f"bridge-{n}")))
            assert response.status == 200
    # The server is closed: everything accepted was processed and answered.
    assert count(engine, Event) == 3
    assert len(bridge.received) == 3
