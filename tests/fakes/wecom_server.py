"""A fake WeCom API server on 127.0.0.1: gettoken, message/send, appchat/send, webhook/send, aibot/response.

It records every request, issues tokens it then checks (an expired or unknown token answers 42001), and plays
scripted errcodes per path, in order, before answering normally.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass(frozen=True)
class Recorded:
    path: str
    query: dict[str, str]
    body: Any


class FakeWeCom:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.scripts: dict[str, deque[int]] = defaultdict(deque)
        self.tokens: set[str] = set()
        self.issued = 0
        self.token_delay = 0.0
        self.expires_in = 7200
        self.server: TestServer | None = None

    # Scripting -------------------------------------------------------------------------------------
    def script(self, path: str, *errcodes: int) -> None:
        """The next calls to `path` (e.g. "webhook/send") answer these errcodes, in order."""
        self.scripts[path].extend(errcodes)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == f"/cgi-bin/{path}"]

    # Serving ---------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        for path in ("message/send", "appchat/send", "webhook/send", "aibot/response"):
            app.router.add_post(f"/cgi-bin/{path}", self._handler(path))
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    def _scripted(self, path: str) -> web.Response | None:
        if self.scripts[path]:
            code = self.scripts[path].popleft()
            return web.json_response({"errcode": code, "errmsg": f"scripted {code}"})
        return None

    async def _gettoken(self, request: web.Request) -> web.Response:
        self.requests.append(Recorded(request.path, dict(request.query), None))
        await asyncio.sleep(self.token_delay)
        scripted = self._scripted("gettoken")
        if scripted is not None:
            return scripted
        if request.query.get("corpsecret") != "app-secret":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.issued += 1
        token = f"token-{self.issued}"
        self.tokens.add(token)
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.expires_in})

    def _handler(self, path: str) -> Any:
        async def handle(request: web.Request) -> web.Response:
            body = json.loads(await request.read())
            self.requests.append(Recorded(request.path, dict(request.query), body))
            scripted = self._scripted(path)
            if scripted is not None:
                return scripted
            if path in ("message/send", "appchat/send") and request.query.get("access_token") not in self.tokens:
                return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
            return web.json_response({"errcode": 0, "errmsg": "ok"})

        return handle
