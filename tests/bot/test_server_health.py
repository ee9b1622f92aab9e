"""/healthz tells an operator what runs: the database, and each AI-bot long connection (up, reconnecting, or
stopped because another instance took the bot over, which is reported and never fought)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine

from gridbot.bot.server import RUNTIME, build_app
from gridbot.clock import SystemClock
from gridbot.settings import Settings
from tests.bot.test_cards_and_rings import until
from tests.fakes.aibot_ws_server import FakeAiBotServer
from tests.helpers import load_example_org


@pytest.fixture
async def ws() -> AsyncIterator[FakeAiBotServer]:
    server = FakeAiBotServer()
    await server.start()
    yield server
    await server.close()


async def test_health_reports_a_connection_taken_over_by_another_instance(engine: Engine, ws: FakeAiBotServer) -> None:
    load_example_org(engine)
    settings = Settings(wecom_bot_ws_url=ws.url, wecom_bot_id="bot-1", wecom_bot_secret="bot-secret")  # type: ignore[arg-type]
    app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        [connection] = app[RUNTIME].connections
        await until(lambda: connection.connected)
        first = await (await client.get("/healthz")).json()
        assert first == {"ok": True, "database": "ok", "aibot": {"bot-1": "up"}}

        await ws.take_over()
        await until(lambda: connection.status == "superseded")
        response = await client.get("/healthz")
        assert response.status == 200  # the process is healthy; restarting it would only fight over the bot
        assert (await response.json())["aibot"] == {"bot-1": "superseded"}
    assert ws.connections == 1
