"""The AI bot's long connection: subscribe, heartbeat, callbacks, replies, reconnect, one connection per bot."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
import pytest

from gridbot.bot.channels.wecom_api import WeComHttp
from gridbot.bot.channels.wecom_bot import BotChannel
from gridbot.bot.channels.wecom_bot_ws import AiBotConnection, backoff_delays
from gridbot.bot.messages import OutgoingMessage, ReplyContext
from gridbot.clock import SimulatedClock
from tests.bot.channels.conftest import Recorder
from tests.fakes.aibot_ws_server import FakeAiBotServer

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def connection(http: aiohttp.ClientSession, server: FakeAiBotServer, secret: str = "bot-secret") -> AiBotConnection:
    return AiBotConnection(
        http,
        server.url,
        "bot-1",
        secret,
        wecom_name="小网",
        bot_name="网格助手",
        clock=SimulatedClock(NOW),
        heartbeat=0.05,
        backoff_first=0.01,
        backoff_cap=0.05,
    )


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), timeout)


async def stopped(conn: AiBotConnection, task: Awaitable[None]) -> None:
    await conn.stop()
    await asyncio.wait_for(task, 5)


def callback_frame(msgid: str, req_id: str = "REQ-1") -> dict[str, object]:
    return {
        "cmd": "aibot_msg_callback",
        "headers": {"req_id": req_id},
        "body": {
            "msgid": msgid,
            "aibotid": "AIBOT1",
            "chatid": "CHAT-EAST",
            "chattype": "group",
            "from": {"userid": "zhangsan"},
            "msgtype": "text",
            "text": {"content": "@小网 西区路灯坏了"},
        },
    }


def test_backoff_doubles_from_one_second_to_thirty() -> None:
    assert list(itertools.islice(backoff_delays(), 7)) == [1, 2, 4, 8, 16, 30, 30]


async def test_subscribe_ping_and_callback(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    [subscribe] = ws_server.commands("aibot_subscribe")
    assert subscribe["body"] == {"bot_id": "bot-1", "secret": "bot-secret"}
    await until(lambda: len(ws_server.commands("ping")) >= 2)
    await ws_server.push(callback_frame("m1"))
    await until(lambda: len(ingest.messages) == 1)
    [message] = ingest.messages
    assert (message.channel, message.conversation, message.text) == ("wecom_bot", "CHAT-EAST", "@网格助手 西区路灯坏了")
    assert message.payload == {"req_id": "REQ-1"}
    await stopped(conn, task)
    assert not conn.connected


async def test_a_long_connection_image_carries_its_own_key_to_the_fetch_and_nowhere_else(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    frame = callback_frame("m1")
    frame["body"] = {
        **frame["body"],  # type: ignore[dict-item]
        "msgtype": "mixed",
        "mixed": {
            "msg_item": [
                {"msgtype": "text", "text": {"content": "@小网 西区路灯坏了"}},
                {"msgtype": "image", "image": {"url": "https://wework.qpic.cn/aibot/9", "aeskey": "KEY-9"}},
            ]
        },
    }
    await ws_server.push(frame)
    await until(lambda: len(ingest.messages) == 1)
    [message] = ingest.messages
    [image] = message.images
    assert (message.kind, image.locator, image.key) == ("text", "https://wework.qpic.cn/aibot/9", "KEY-9")
    assert "KEY-9" not in repr(message) and "KEY-9" not in str(message.payload)
    await stopped(conn, task)


async def test_reply_to_a_long_connection_message_is_a_stream_on_its_req_id(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    channel = BotChannel(WeComHttp(http, "http://127.0.0.1:9"), conn, SimulatedClock(NOW))
    context = ReplyContext("wecom_bot", "CHAT-EAST", "zhangsan", False, NOW, {"req_id": "REQ-1"})
    message = OutgoingMessage(outbox_id=1, conversation="东区网格群", text="已登记 E13", reply_to=context)
    assert channel.can_deliver(message)
    await channel.send(message)
    [respond] = ws_server.commands("aibot_respond_msg")
    assert respond["headers"] == {"req_id": "REQ-1"}
    assert respond["body"]["stream"]["finish"] is True and respond["body"]["stream"]["content"] == "已登记 E13"
    assert not channel.can_deliver(message)  # once per message; no chat binding to push to
    await stopped(conn, task)


async def test_reconnects_after_the_server_drops(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    await ws_server.drop()
    await until(lambda: ws_server.connections == 2 and conn.connected)
    assert len(ws_server.commands("aibot_subscribe")) == 2  # subscribed again
    await ws_server.push(callback_frame("m2"))
    await until(lambda: len(ingest.messages) == 1)
    await stopped(conn, task)


async def test_refused_subscription_backs_off_and_retries(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server, secret="wrong")
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: len(ws_server.commands("aibot_subscribe")) >= 3)
    assert not conn.connected
    await stopped(conn, task)


async def test_one_connection_per_bot(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    first = connection(http, ws_server)
    task = asyncio.create_task(first.run(ingest))
    await until(lambda: first.connected)
    with pytest.raises(RuntimeError):
        await first.run(ingest)
    with pytest.raises(RuntimeError):
        await connection(http, ws_server).run(ingest)  # another object for the same bot
    await stopped(first, task)
    assert ws_server.connections == 1
    again = asyncio.create_task(first.run(ingest))  # after a clean stop it may run again
    await until(lambda: first.connected)
    await stopped(first, again)


async def test_unreachable_server_keeps_retrying_until_stopped(http: aiohttp.ClientSession, ingest: Recorder) -> None:
    server = FakeAiBotServer()
    await server.start()
    url = server.url
    await server.close()
    conn = AiBotConnection(
        http, url, "bot-9", "s", wecom_name="小网", bot_name="网格助手", backoff_first=0.01, backoff_cap=0.02
    )
    task = asyncio.create_task(conn.run(ingest))
    await asyncio.sleep(0.1)
    assert not task.done()
    await stopped(conn, task)


async def test_a_disconnected_event_stops_the_connection_for_good_and_says_so(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    assert conn.status == "up"
    await ws_server.take_over()  # another instance subscribed the same bot
    await asyncio.wait_for(task, 5)  # run() returns: no reconnecting, no fight over the bot
    await asyncio.sleep(0.2)
    assert ws_server.connections == 1
    assert conn.status == "superseded" and not conn.connected
    assert any("another connection took over" in r.message for r in caplog.records)
    assert ingest.messages == []  # the event is not a message


async def test_two_unanswered_heartbeats_reconnect(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    ws_server.answer_pings = False
    await until(lambda: conn.dead_links == 1)
    pings_then = len(ws_server.commands("ping"))
    assert pings_then >= 2
    ws_server.answer_pings = True
    await until(lambda: ws_server.connections == 2 and conn.connected)
    assert conn.status == "up"
    await stopped(conn, task)


async def test_long_connection_callbacks_pass_the_same_schema_as_the_http_callback(
    http: aiohttp.ClientSession, ws_server: FakeAiBotServer, ingest: Recorder
) -> None:
    conn = connection(http, ws_server)
    task = asyncio.create_task(conn.run(ingest))
    await until(lambda: conn.connected)
    bad = callback_frame("m-bad")
    bad["body"]["from"] = {"userid": 12345}  # type: ignore[index]  # a number where a userid string belongs
    await ws_server.push(bad)
    assert ws_server._sockets  # the frame below is not JSON a parser can survive by recursion
    await ws_server._sockets[-1].send_str("[" * 50_000)
    await ws_server.push(callback_frame("m-good"))
    await until(lambda: len(ingest.messages) == 1)
    assert ingest.messages[0].message_id == "m-good" and conn.connected
    await stopped(conn, task)
