"""Fixtures for the channel adapters: the fake WeCom servers, an HTTP session, and a recording `ingest`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from gridbot.bot.messages import IncomingMessage
from tests.fakes.aibot_ws_server import FakeAiBotServer
from tests.fakes.wecom_server import FakeWeCom


class Recorder:
    """The lowest seam for the adapters: stores messages, says False for a message id seen before."""

    def __init__(self) -> None:
        self.messages: list[IncomingMessage] = []
        self.calls = 0
        self.fail = False

    async def __call__(self, message: IncomingMessage) -> bool:
        self.calls += 1
        if self.fail:
            raise ConnectionError("database is down")
        if any(m.message_id == message.message_id for m in self.messages):
            return False
        self.messages.append(message)
        return True


@pytest.fixture
def ingest() -> Recorder:
    return Recorder()


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    server = FakeWeCom()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def ws_server() -> AsyncIterator[FakeAiBotServer]:
    server = FakeAiBotServer()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
