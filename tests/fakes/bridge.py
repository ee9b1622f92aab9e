"""A fake chat bridge on 127.0.0.1: receives the gateway's signed POSTs, answers scripted statuses."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from gridbot.bot.channels.gateway import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


@dataclass
class FakeBridge:
    secret: str
    received: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, in order; then 200
    bad_signatures: int = 0
    url: str = ""
    times: list[float] = field(default_factory=list)  # time.monotonic() of each message received
    delay: float = 0.0  # seconds to wait before answering (a slow bridge)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = sign(self.secret, request.headers.get(TIMESTAMP_HEADER, ""), body)
        if request.headers.get(SIGNATURE_HEADER) != expected:
            self.bad_signatures += 1
            return web.Response(status=403)
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append(json.loads(body))
            self.times.append(time.monotonic())
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(status=status)


@asynccontextmanager
async def running_bridge(secret: str) -> AsyncIterator[FakeBridge]:
    bridge = FakeBridge(secret)
    app = web.Application()
    app.router.add_post("/bridge", bridge.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    bridge.url = str(server.make_url("/bridge"))
    try:
        yield bridge
    finally:
        await server.close()
