"""A fake AI-bot long-connection server (WebSocket on 127.0.0.1).

It answers `aibot_subscribe` (accepting only the right bot id and secret), `ping` and `aibot_send_msg` /
`aibot_respond_msg` / `aibot_respond_update_msg` with `{headers: {req_id}, errcode}`, records every frame, can
push a callback to the connected client, and can drop the connection to make the client reconnect.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer


class FakeAiBotServer:
    def __init__(self, bot_id: str = "bot-1", secret: str = "bot-secret") -> None:
        self.bot_id = bot_id
        self.secret = secret
        self.frames: list[dict[str, Any]] = []
        self.connections = 0
        self.send_errcode = 0
        self.answer_pings = True  # False: a link that carries nothing back (a NAT that dropped it)
        self.subscribed = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/")).replace("http://", "ws://")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._socket)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        await self.drop()
        if self.server is not None:
            await self.server.close()

    def commands(self, cmd: str) -> list[dict[str, Any]]:
        return [frame for frame in self.frames if frame.get("cmd") == cmd]

    async def push(self, frame: dict[str, Any]) -> None:
        """Send a frame (e.g. an aibot_msg_callback) to the connected client."""
        await self._sockets[-1].send_json(frame)

    async def take_over(self) -> None:
        """What WeCom does when a second connection subscribes the same bot: tell the first it is disconnected."""
        body = {"msgid": "EV1", "aibotid": "AIBOT1", "msgtype": "event", "event": {"eventtype": "disconnected_event"}}
        await self.push({"cmd": "aibot_event_callback", "headers": {"req_id": "EVENT-1"}, "body": body})

    async def drop(self) -> None:
        """Close every connection from the server side."""
        self.subscribed.clear()
        for socket in list(self._sockets):
            await socket.close()
        self._sockets.clear()

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.connections += 1
        self._sockets.append(socket)
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            frame = message.json()
            self.frames.append(frame)
            req_id = frame.get("headers", {}).get("req_id", "")
            cmd = frame.get("cmd")
            if cmd == "aibot_subscribe":
                ok = frame.get("body") == {"bot_id": self.bot_id, "secret": self.secret}
                await socket.send_json({"headers": {"req_id": req_id}, "errcode": 0 if ok else 40001, "errmsg": ""})
                if ok:
                    self.subscribed.set()
            elif cmd in ("aibot_send_msg", "aibot_respond_msg", "aibot_respond_update_msg"):
                await socket.send_json({"headers": {"req_id": req_id}, "errcode": self.send_errcode, "errmsg": ""})
            elif cmd == "ping" and self.answer_pings:
                await socket.send_json({"headers": {"req_id": req_id}, "errcode": 0, "errmsg": "ok"})
        return socket
