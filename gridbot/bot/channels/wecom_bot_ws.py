"""The AI bot's long connection (长连接): a WebSocket that needs no public IP and no message crypto.

Frames are JSON `{cmd, headers: {req_id}, body}`; answers to our commands come back as
`{headers: {req_id}, errcode, errmsg}`. We subscribe with bot id + secret, send `ping` every 30 s, hand each
`aibot_msg_callback` and `aibot_event_callback` (card clicks) to ingest, and reconnect with exponential back-off
(1 s → 30 s). Two pings left unanswered mean a dead link that TCP has not noticed: we close it and reconnect.
A newer connection for the same bot kicks the older one with a `disconnected_event`: then this one stops for good
and says so (log, /healthz) instead of fighting the other instance; only one may run per bot in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

import aiohttp
from pydantic import ValidationError

from gridbot.bot.channels.base import Ingest
from gridbot.bot.channels.inbound_checks import schema_reason
from gridbot.bot.channels.wecom_api import WeComApiError, classify
from gridbot.bot.channels.wecom_bot_messages import bot_message
from gridbot.bot.channels.wecom_schemas import BotCallbackMessage
from gridbot.clock import Clock, SystemClock

log = logging.getLogger(__name__)

DEFAULT_WS_URL = "wss://openws.work.weixin.qq.com"
ACK_TIMEOUT = 10.0
MISSED_PINGS = 2  # unanswered heartbeats in a row before the connection is taken as dead


def backoff_delays(first: float = 1.0, cap: float = 30.0) -> Iterator[float]:
    """1, 2, 4, … seconds, capped."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


class AiBotConnection:
    """One long connection for one bot: receive callbacks, push messages."""

    _running_bots: ClassVar[set[str]] = set()

    def __init__(
        self,
        http: aiohttp.ClientSession,
        url: str,
        bot_id: str,
        secret: str,
        *,
        wecom_name: str,
        bot_name: str,
        clock: Clock | None = None,
        heartbeat: float = 30.0,
        backoff_first: float = 1.0,
        backoff_cap: float = 30.0,
    ) -> None:
        self.http = http
        self.url = url or DEFAULT_WS_URL
        self.bot_id = bot_id
        self._secret = secret
        self.wecom_name = wecom_name
        self.bot_name = bot_name
        self.clock = clock or SystemClock()
        self.heartbeat = heartbeat
        self.backoff_first = backoff_first
        self.backoff_cap = backoff_cap
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._subscribed = False
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._stopping = asyncio.Event()
        self.connects = 0
        self.superseded = False  # another connection took over the bot (disconnected_event): we stopped
        self.dead_links = 0  # connections closed for missed heartbeats

    @property
    def status(self) -> str:
        """For /healthz: up, superseded (another instance has the bot) or reconnecting."""
        if self.superseded:
            return "superseded"
        return "up" if self.connected else "reconnecting"

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and self._subscribed

    async def run(self, ingest: Ingest) -> None:
        """Keep the connection up until `stop()`; refuses to run twice for the same bot."""
        if self.bot_id in self._running_bots:
            raise RuntimeError(f"a long connection for bot {self.bot_id} is already running")
        self._running_bots.add(self.bot_id)
        self._stopping.clear()
        try:
            delays = backoff_delays(self.backoff_first, self.backoff_cap)
            while not self._stopping.is_set():
                try:
                    if await self._session(ingest):
                        delays = backoff_delays(self.backoff_first, self.backoff_cap)
                except (aiohttp.ClientError, TimeoutError, ConnectionError) as error:
                    log.warning("AI bot connection failed: %s", type(error).__name__)
                if self._stopping.is_set():
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), next(delays))
        finally:
            self._running_bots.discard(self.bot_id)

    async def stop(self) -> None:
        self._stopping.set()
        if self._ws is not None:
            await self._ws.close()

    async def _session(self, ingest: Ingest) -> bool:
        """One connection, until it closes; True when the subscription was accepted."""
        async with self.http.ws_connect(self.url, timeout=aiohttp.ClientWSTimeout(ws_close=5.0)) as ws:
            self._ws = ws
            self.connects += 1
            pinger: asyncio.Task[None] | None = None
            try:
                answer = await self._request("aibot_subscribe", {"bot_id": self.bot_id, "secret": self._secret}, ws)
                if answer.get("errcode", 0) != 0:
                    log.error("AI bot subscription refused: errcode %s", answer.get("errcode"))
                    return False
                self._subscribed = True
                log.info("AI bot long connection up")
                pinger = asyncio.create_task(self._ping(ws))
                await self._read(ws, ingest)
                return True
            finally:
                self._subscribed = False
                self._ws = None
                if pinger is not None:
                    pinger.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pinger
                for future in self._pending.values():
                    if not future.done():
                        future.set_exception(ConnectionError("connection closed"))
                self._pending.clear()

    async def _read(self, ws: aiohttp.ClientWebSocketResponse, ingest: Ingest) -> None:
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                if frame.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                    break
                continue
            try:
                data = json.loads(frame.data)
            except (ValueError, RecursionError):
                log.warning("AI bot sent a frame that is not JSON")
                continue
            if isinstance(data, dict):
                await self._dispatch(data, ingest)

    async def _dispatch(self, data: dict[str, Any], ingest: Ingest) -> None:
        headers = data.get("headers") if isinstance(data.get("headers"), dict) else {}
        req_id = str((headers or {}).get("req_id", ""))
        cmd = data.get("cmd")
        if cmd == "aibot_event_callback" and _event_type(data.get("body")) == "disconnected_event":
            await self._superseded()
        elif cmd in ("aibot_msg_callback", "aibot_event_callback"):
            await self._callback(data.get("body"), req_id, ingest)
        elif cmd is None and req_id in self._pending:
            future = self._pending.pop(req_id)
            if not future.done():
                future.set_result(data)
        # Other events (enter_chat, feedback_event) need nothing: bot_message ignores them.

    async def _superseded(self) -> None:
        log.error(
            "ALERT AI bot %s: another connection took over this bot (disconnected_event); this process stops its "
            "long connection and will not reconnect. Run one long connection per bot (docs/operations.md).",
            self.bot_id,
        )
        self.superseded = True
        self._stopping.set()
        if self._ws is not None:
            await self._ws.close()

    async def _callback(self, body: Any, req_id: str, ingest: Ingest) -> None:
        """A message or event, checked by the same schema as the HTTP callback's (types, bounds) before use."""
        if not isinstance(body, dict):
            return
        try:
            checked = BotCallbackMessage.model_validate(body).model_dump(by_alias=True, exclude_unset=True)
        except ValidationError as error:
            log.warning("AI bot callback refused: %s", schema_reason(error))
            return
        try:
            message = bot_message(
                checked,
                sent_at=self.clock.now(),
                wecom_name=self.wecom_name,
                bot_name=self.bot_name,
                reply={"req_id": req_id},
            )
        except ValueError as error:
            log.warning("AI bot callback ignored: %s", error)
            return
        if message is None:
            return
        try:
            await ingest(message)
        except Exception as error:  # no retry on this path: the message is lost, say so loudly
            log.error("ingest failed for a long-connection message: %s", type(error).__name__)

    async def _ping(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """A ping every `heartbeat` seconds, each answered before the next is due; after two unanswered ones
        the link is dead (a NAT dropped it, say) and closing it makes `run` reconnect."""
        missed = 0
        while not ws.closed:
            await asyncio.sleep(self.heartbeat)
            req_id = _req_id("ping")
            answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._pending[req_id] = answer
            try:
                await ws.send_json({"cmd": "ping", "headers": {"req_id": req_id}})
                await asyncio.wait_for(answer, timeout=self.heartbeat)
                missed = 0
            except (TimeoutError, ConnectionError, aiohttp.ClientError):
                missed += 1
            finally:
                self._pending.pop(req_id, None)
            if missed >= MISSED_PINGS:
                log.warning("AI bot: %d heartbeats unanswered; reconnecting", missed)
                self.dead_links += 1
                await ws.close()
                return

    async def _request(
        self, cmd: str, body: dict[str, Any], ws: aiohttp.ClientWebSocketResponse, req_id: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its answer (matched by req_id)."""
        req_id = req_id or _req_id(cmd)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = future
        try:
            await ws.send_json({"cmd": cmd, "headers": {"req_id": req_id}, "body": body})
            if cmd == "aibot_subscribe":
                # Nobody reads the socket yet: read until the subscription's answer arrives.
                return await asyncio.wait_for(self._await_own_answer(ws, req_id), ACK_TIMEOUT)
            return await asyncio.wait_for(future, ACK_TIMEOUT)
        finally:
            self._pending.pop(req_id, None)

    async def _await_own_answer(self, ws: aiohttp.ClientWebSocketResponse, req_id: str) -> dict[str, Any]:
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            with contextlib.suppress(ValueError):
                data = json.loads(frame.data)
                if isinstance(data, dict) and (data.get("headers") or {}).get("req_id") == req_id:
                    return data
        raise ConnectionError("connection closed before the subscription was answered")

    async def push_markdown(self, chat_id: str, content: str) -> None:
        """Active push (`aibot_send_msg`) into a group chat id or a user's 1:1 chat (userid)."""
        await self._command(
            "aibot_send_msg", {"chatid": chat_id, "msgtype": "markdown", "markdown": {"content": content}}
        )

    async def push_card(self, chat_id: str, card: dict[str, Any]) -> None:
        """Active push of a template card (`aibot_send_msg`, msgtype template_card)."""
        await self._command("aibot_send_msg", {"chatid": chat_id, "msgtype": "template_card", "template_card": card})

    async def update_card(self, req_id: str, card: dict[str, Any]) -> None:
        """Replace a clicked card for everyone (`aibot_respond_update_msg` with the click's req_id, within 5 s)."""
        body = {"response_type": "update_template_card", "template_card": card}
        await self._command("aibot_respond_update_msg", body, req_id=req_id)

    async def respond(self, req_id: str, content: str) -> None:
        """Reply to a long-connection callback (`aibot_respond_msg`, one finished stream)."""
        stream = {"id": uuid.uuid4().hex, "finish": True, "content": content}
        await self._command("aibot_respond_msg", {"msgtype": "stream", "stream": stream}, req_id=req_id)

    async def _command(self, cmd: str, body: dict[str, Any], req_id: str | None = None) -> None:
        ws = self._ws
        if ws is None or not self.connected:
            raise WeComApiError(f"{cmd}: long connection is down", errcode=None, retry=True)
        try:
            answer = await self._request(cmd, body, ws, req_id)
        except (TimeoutError, ConnectionError, aiohttp.ClientError) as error:
            raise WeComApiError(f"{cmd}: {type(error).__name__}", errcode=None, retry=True) from None
        errcode = answer.get("errcode", 0)
        if errcode != 0:
            raise classify(errcode if isinstance(errcode, int) else -1, str(answer.get("errmsg", "")), cmd)


def _event_type(body: Any) -> str:
    event = body.get("event") if isinstance(body, dict) else None
    return str(event.get("eventtype", "")) if isinstance(event, dict) else ""


def _req_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"
