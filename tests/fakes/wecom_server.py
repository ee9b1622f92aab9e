"""A fake WeCom API server on 127.0.0.1: gettoken, message/send, appchat/send, webhook/send, aibot/response,
media/get, and the AI bot's encrypted image links.

It records every request, issues tokens it then checks (an expired or unknown token answers 42001), and plays
scripted errcodes per path, in order, before answering normally. `media/get` answers a file put there with
`put_media` (JSON errcode 40007 for an unknown media id, as WeCom does). `serve_file` publishes bytes (already
encrypted by the test, see `tests/fakes/media.py`) at a link, as the AI bot's image `url`; `expire_file` makes the
link answer 404, as a link past its five minutes.

The group robot keeps WeCom's published limit: a key that has taken 20 POSTs in the last 60 s (by `clock`, which
a test may set to its simulated clock) answers 45009 "api freq out of limit"; every webhook POST is timed in
`robot_posts` per key.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
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
        self.media: dict[str, tuple[bytes, str]] = {}  # media id → (bytes, content type)
        self.files: dict[str, bytes] = {}  # AI-bot link name → encrypted bytes
        self.robot_limit = 20  # POSTs per robot key per `robot_window` seconds (WeCom: 20 a minute)
        self.robot_window = 60.0
        self.clock: Callable[[], float] = time.monotonic
        self.robot_posts: dict[str, list[float]] = defaultdict(list)  # key → when each webhook POST came
        self.throttled = 0  # 45009 answers given

    # Scripting -------------------------------------------------------------------------------------
    def script(self, path: str, *errcodes: int) -> None:
        """The next calls to `path` (e.g. "webhook/send") answer these errcodes, in order."""
        self.scripts[path].extend(errcodes)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == f"/cgi-bin/{path}"]

    def put_media(self, media_id: str, data: bytes, content_type: str = "image/jpeg") -> None:
        self.media[media_id] = (data, content_type)

    def serve_file(self, name: str, data: bytes) -> str:
        """Publish bytes at a link (the AI bot's image `url`); returns the link."""
        self.files[name] = data
        return f"{self.base_url}/aibot/file/{name}?sign=abc"

    def expire_file(self, name: str) -> None:
        self.files.pop(name, None)

    def file_downloads(self, name: str) -> int:
        return sum(1 for r in self.requests if r.path == f"/aibot/file/{name}")

    # Serving ---------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_get("/aibot/file/{name}", self._file)
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

    async def _media_get(self, request: web.Request) -> web.Response:
        self.requests.append(Recorded(request.path, dict(request.query), None))
        scripted = self._scripted("media/get")
        if scripted is not None:
            return scripted
        if request.query.get("access_token") not in self.tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        data, content_type = found
        return web.Response(
            body=data,
            content_type=content_type,
            headers={"Content-Disposition": 'attachment; filename="photo.jpg"'},
        )

    async def _file(self, request: web.Request) -> web.Response:
        self.requests.append(Recorded(request.path, dict(request.query), None))
        data = self.files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404, text="expired")
        return web.Response(body=data, content_type="application/octet-stream")

    def _handler(self, path: str) -> Any:
        async def handle(request: web.Request) -> web.Response:
            body = json.loads(await request.read())
            self.requests.append(Recorded(request.path, dict(request.query), body))
            if path == "webhook/send":
                key, now = request.query.get("key", ""), self.clock()
                recent = [t for t in self.robot_posts[key] if t > now - self.robot_window]
                self.robot_posts[key].append(now)
                if len(recent) >= self.robot_limit:
                    self.throttled += 1
                    return web.json_response({"errcode": 45009, "errmsg": "api freq out of limit"})
            scripted = self._scripted(path)
            if scripted is not None:
                return scripted
            if path in ("message/send", "appchat/send") and request.query.get("access_token") not in self.tokens:
                return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
            return web.json_response({"errcode": 0, "errmsg": "ok"})

        return handle
