"""The AI bot: the JSON callback at /wecom/bot (receive id "") and replies (response_url once, then push)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import xmltodict  # type: ignore[import-untyped]
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine
from sqlmodel import Session, select
from wechatpy.enterprise.crypto import WeChatCrypto

from gridbot.bot.channels.base import DeliveryError
from gridbot.bot.channels.wecom_api import WeComHttp
from gridbot.bot.channels.wecom_bot import BotChannel, BotInbound
from gridbot.bot.channels.wecom_bot_messages import normalise_mention
from gridbot.bot.channels.wecom_bot_ws import AiBotConnection
from gridbot.bot.channels.wecom_callback import CallbackEndpoint
from gridbot.bot.channels.wecom_crypto import CallbackCrypto, ReplayGuard
from gridbot.bot.messages import OutgoingMessage, ReplyContext
from gridbot.clock import SimulatedClock
from gridbot.storage.models import UsedReplyHandle
from gridbot.storage.reply_handles import UsedReplyHandles
from tests.bot.channels.conftest import Recorder
from tests.fakes.aibot_ws_server import FakeAiBotServer
from tests.fakes.wecom_server import FakeWeCom

TOKEN = "BotToken123"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def client(ingest: Recorder) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    endpoint = CallbackEndpoint(CallbackCrypto(TOKEN, AES_KEY, ""), ReplayGuard(), 64 * 1024)
    inbound = BotInbound(endpoint, wecom_name="小网", bot_name="网格助手", clock=SimulatedClock(NOW))
    app = web.Application()
    app.add_routes(inbound.routes(ingest))
    test_client = TestClient(TestServer(app, host="127.0.0.1"))
    await test_client.start_server()
    yield test_client
    await test_client.close()


def callback(body: dict[str, Any], nonce: str = "n1") -> tuple[dict[str, str], str]:
    """An AI-bot callback encrypted by wechatpy (receive id ""), in the JSON envelope WeCom posts."""
    plaintext = json.dumps(body, ensure_ascii=False)
    envelope = WeChatCrypto(TOKEN, AES_KEY, "").encrypt_message(plaintext, nonce, str(int(time.time())))
    fields = xmltodict.parse(envelope)["xml"]
    query = {"msg_signature": fields["MsgSignature"], "timestamp": fields["TimeStamp"], "nonce": fields["Nonce"]}
    return query, json.dumps({"encrypt": fields["Encrypt"]})


def group_text(content: str, msgid: str = "m1") -> dict[str, Any]:
    return {
        "msgid": msgid,
        "aibotid": "AIBOT1",
        "chatid": "CHAT-EAST",
        "chattype": "group",
        "from": {"userid": "zhangsan"},
        "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1",
        "msgtype": "text",
        "text": {"content": content},
    }


async def test_url_verification_uses_receive_id_empty(client: TestClient[web.Request, web.Application]) -> None:
    encrypted = WeChatCrypto(TOKEN, AES_KEY, "").encrypt_message("echo-123", "n0", str(int(time.time())))
    fields = xmltodict.parse(encrypted)["xml"]
    query = {
        "msg_signature": fields["MsgSignature"],
        "timestamp": fields["TimeStamp"],
        "nonce": fields["Nonce"],
        "echostr": fields["Encrypt"],
    }
    response = await client.get("/wecom/bot", params=query)
    assert (response.status, await response.read()) == (200, b"echo-123")


async def test_group_mention_is_ingested(client: TestClient[web.Request, web.Application], ingest: Recorder) -> None:
    query, body = callback(group_text("@小网 东区菜场门口有占道经营"))
    response = await client.post("/wecom/bot", params=query, data=body)
    assert (response.status, await response.text()) == (200, "")
    [message] = ingest.messages
    assert message.channel == "wecom_bot" and message.message_id == "m1"
    assert (message.conversation, message.conversation_key) == ("CHAT-EAST", "wecom_chat_id")
    assert (message.sender, message.sender_key, message.direct) == ("zhangsan", "userid", False)
    assert message.text == "@网格助手 东区菜场门口有占道经营"
    assert message.payload == {"response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1"}
    assert message.sent_at == NOW


async def test_single_chat_is_direct(client: TestClient[web.Request, web.Application], ingest: Recorder) -> None:
    body = {**group_text("查询 E12"), "chattype": "single"}
    del body["chatid"]
    query, data = callback(body)
    assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    [message] = ingest.messages
    assert (message.conversation, message.direct, message.text) == ("zhangsan", True, "查询 E12")


async def test_events_are_acknowledged(client: TestClient[web.Request, web.Application], ingest: Recorder) -> None:
    event = {"msgid": "e1", "aibotid": "AIBOT1", "chattype": "single", "from": {"userid": "zhangsan"}}
    query, data = callback({**event, "msgtype": "event", "event": {"eventtype": "enter_chat"}})
    assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    assert ingest.calls == 0


async def test_duplicate_and_store_down(client: TestClient[web.Request, web.Application], ingest: Recorder) -> None:
    ingest.fail = True
    query, data = callback(group_text("@小网 E12 已办结"), nonce="a")
    assert (await client.post("/wecom/bot", params=query, data=data)).status == 503
    ingest.fail = False
    for nonce in ("b", "c"):
        query, data = callback(group_text("@小网 E12 已办结"), nonce=nonce)
        assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    assert len(ingest.messages) == 1


@pytest.mark.parametrize(
    ("data", "status"),
    [("not json", 400), ('{"encrypt": ""}', 400), ('{"encrypt": "abc"}', 403), ("[1]", 400)],
)
async def test_bad_bodies(
    client: TestClient[web.Request, web.Application], ingest: Recorder, data: str, status: int
) -> None:
    query, _ = callback(group_text("x"))
    response = await client.post("/wecom/bot", params=query, data=data)
    assert response.status == status and "Traceback" not in await response.text()
    assert ingest.calls == 0


def mixed(*items: dict[str, Any], msgid: str = "m1") -> dict[str, Any]:
    """A group mixed message (text and images, as WeCom sends it when the worker @-mentions the bot)."""
    body = group_text("", msgid)
    del body["text"]
    return {**body, "msgtype": "mixed", "mixed": {"msg_item": list(items)}}


def text_item(content: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": content}}


def image_item(url: str, **extra: str) -> dict[str, Any]:
    return {"msgtype": "image", "image": {"url": url, **extra}}


async def test_a_mixed_message_keeps_its_text_and_carries_its_images(
    client: TestClient[web.Request, web.Application], ingest: Recorder
) -> None:
    body = mixed(
        text_item("@小网 #上报 红旗村1组排水沟堵塞"),
        image_item("https://wework.qpic.cn/aibot/1"),
        image_item("https://wework.qpic.cn/aibot/2"),
    )
    query, data = callback(body)
    assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    [message] = ingest.messages
    assert (message.kind, message.text) == ("text", "@网格助手 #上报 红旗村1组排水沟堵塞")
    assert [(i.source, i.locator, i.key) for i in message.images] == [
        ("wecom_bot", "https://wework.qpic.cn/aibot/1", ""),
        ("wecom_bot", "https://wework.qpic.cn/aibot/2", ""),
    ]
    assert message.payload == {"response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC1"}


async def test_an_image_or_a_mixed_message_that_only_mentions_the_bot_is_an_image_message(
    client: TestClient[web.Request, web.Application], ingest: Recorder
) -> None:
    single = {**group_text("", "m1"), "chattype": "single", "msgtype": "image"}
    del single["chatid"], single["text"]
    single["image"] = {"url": "https://wework.qpic.cn/aibot/3"}
    only_mention = mixed(text_item("@小网 "), image_item("https://wework.qpic.cn/aibot/4"), msgid="m2")
    for nonce, body in (("n1", single), ("n2", only_mention)):
        query, data = callback(body, nonce=nonce)
        assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    assert [(m.kind, m.direct, [i.locator for i in m.images]) for m in ingest.messages] == [
        ("image", True, ["https://wework.qpic.cn/aibot/3"]),
        ("image", False, ["https://wework.qpic.cn/aibot/4"]),
    ]


async def test_an_image_without_a_link_is_acknowledged_and_ignored(
    client: TestClient[web.Request, web.Application], ingest: Recorder
) -> None:
    body = {**group_text("", "m1"), "msgtype": "image", "image": {}}
    query, data = callback(body)
    assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    assert ingest.messages == []


async def test_a_quote_is_kept_in_the_payload_and_the_text_is_unchanged(
    client: TestClient[web.Request, web.Application], ingest: Recorder
) -> None:
    body = {
        **group_text("@小网 签收"),
        "quote": {"msgtype": "text", "text": {"content": "E12 已派单给综合执法队，请签收"}},
    }
    picture_quote = {**group_text("@小网 看这张", "m2"), "quote": {"msgtype": "image", "image": {"url": "https://x"}}}
    for nonce, sent in (("n1", body), ("n2", picture_quote)):
        query, data = callback(sent, nonce=nonce)
        assert (await client.post("/wecom/bot", params=query, data=data)).status == 200
    first, second = ingest.messages
    assert first.text == "@网格助手 签收"
    assert first.payload["quote"] == {"msgtype": "text", "text": "E12 已派单给综合执法队，请签收"}
    assert second.payload["quote"] == {"msgtype": "image", "text": ""} and second.images == ()


def test_mention_normalisation() -> None:
    assert normalise_mention("@小网 上报", "小网", "网格助手") == "@网格助手 上报"
    assert normalise_mention("@小网上报", "小网", "网格助手") == "@网格助手 上报"
    assert normalise_mention("@Robot\u2005上报", "小网", "网格助手") == "@网格助手 上报"
    assert normalise_mention("上报 @小网", "小网", "网格助手") == "上报 @小网"


# --- replies ------------------------------------------------------------------------------------


def reply(fake: FakeWeCom, received_at: datetime = NOW, bindings: dict[str, str] | None = None) -> OutgoingMessage:
    url = f"{fake.base_url}/cgi-bin/aibot/response?response_code=RC1"
    context = ReplyContext("wecom_bot", "CHAT-EAST", "zhangsan", False, received_at, {"response_url": url})
    return OutgoingMessage(
        outbox_id=1, conversation="东区网格群", text="已登记 E12", reply_to=context, bindings=bindings or {}
    )


@contextlib.asynccontextmanager
async def running(connection: AiBotConnection, server: FakeAiBotServer, ingest: Recorder) -> AsyncIterator[None]:
    task = asyncio.create_task(connection.run(ingest))
    await asyncio.wait_for(server.subscribed.wait(), 5)
    while not connection.connected:
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        await connection.stop()
        await asyncio.wait_for(task, 5)


async def test_response_url_is_used_once_then_active_push(
    fake: FakeWeCom, ws_server: FakeAiBotServer, http: aiohttp.ClientSession, ingest: Recorder
) -> None:
    connection = AiBotConnection(http, ws_server.url, "bot-1", "bot-secret", wecom_name="小网", bot_name="网格助手")
    channel = BotChannel(WeComHttp(http, fake.base_url), connection, SimulatedClock(NOW + timedelta(minutes=1)))
    async with running(connection, ws_server, ingest):
        first = reply(fake, bindings={"wecom_chat_id": "CHAT-EAST"})
        assert channel.can_deliver(first) and channel.target(first) == "CHAT-EAST"
        await channel.send(first)
        await channel.send(reply(fake, bindings={"wecom_chat_id": "CHAT-EAST"}))  # a second reply to it
    [call] = fake.calls("aibot/response")
    assert call.query == {"response_code": "RC1"}
    assert call.body == {"msgtype": "markdown", "markdown": {"content": "已登记 E12"}}
    [push] = ws_server.commands("aibot_send_msg")
    assert push["body"] == {"chatid": "CHAT-EAST", "msgtype": "markdown", "markdown": {"content": "已登记 E12"}}


async def test_without_a_connection_a_used_url_cannot_deliver(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    channel = BotChannel(WeComHttp(http, fake.base_url), None, SimulatedClock(NOW))
    message = reply(fake)
    assert channel.can_deliver(message)
    await channel.send(message)
    assert not channel.can_deliver(message)  # the robot (next in line) takes it
    with pytest.raises(DeliveryError):
        await channel.send(message)
    assert len(fake.calls("aibot/response")) == 1


async def test_a_used_response_url_stays_used_after_a_restart(
    fake: FakeWeCom, http: aiohttp.ClientSession, engine: Engine
) -> None:
    before = BotChannel(WeComHttp(http, fake.base_url), None, SimulatedClock(NOW), UsedReplyHandles(engine))
    await before.send(reply(fake))
    after = BotChannel(WeComHttp(http, fake.base_url), None, SimulatedClock(NOW), UsedReplyHandles(engine))
    assert not after.can_deliver(reply(fake))  # a new process knows the url is spent
    with Session(engine) as session:
        [kept] = session.exec(select(UsedReplyHandle)).all()
    assert "RC1" not in kept.key  # kept as a digest: a response_url is a credential while it lives


def test_the_memory_of_used_handles_is_bounded() -> None:
    handles = UsedReplyHandles(cache_size=3)
    for n in range(10):
        assert handles.use(f"url-{n}", NOW)
    assert len(handles._cache) == 3
    assert handles.used("url-9") and not handles.use("url-9", NOW)


async def test_expired_response_url_is_not_used(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    channel = BotChannel(WeComHttp(http, fake.base_url), None, SimulatedClock(NOW + timedelta(hours=1)))
    assert not channel.can_deliver(reply(fake))


async def test_failed_response_url_falls_back_to_push(
    fake: FakeWeCom, ws_server: FakeAiBotServer, http: aiohttp.ClientSession, ingest: Recorder
) -> None:
    fake.script("aibot/response", 40008)
    connection = AiBotConnection(http, ws_server.url, "bot-1", "bot-secret", wecom_name="小网", bot_name="网格助手")
    channel = BotChannel(WeComHttp(http, fake.base_url), connection, SimulatedClock(NOW))
    async with running(connection, ws_server, ingest):
        await channel.send(reply(fake, bindings={"wecom_chat_id": "CHAT-EAST"}))
    assert len(ws_server.commands("aibot_send_msg")) == 1


async def test_scheduled_post_needs_the_connection(
    fake: FakeWeCom, ws_server: FakeAiBotServer, http: aiohttp.ClientSession, ingest: Recorder
) -> None:
    connection = AiBotConnection(http, ws_server.url, "bot-1", "bot-secret", wecom_name="小网", bot_name="网格助手")
    channel = BotChannel(WeComHttp(http, fake.base_url), connection, SimulatedClock(NOW))
    post = OutgoingMessage(
        outbox_id=5,
        conversation="东区网格群",
        text="每日汇总",
        mentions=("张三",),
        bindings={"wecom_chat_id": "CHAT-EAST"},
    )
    assert not channel.can_deliver(post)  # not connected yet
    async with running(connection, ws_server, ingest):
        assert channel.can_deliver(post)
        ws_server.send_errcode = 45009
        with pytest.raises(DeliveryError) as caught:
            await channel.send(post)
        assert caught.value.retry and caught.value.delay >= 60
        ws_server.send_errcode = 0
        await channel.send(post)
    assert ws_server.commands("aibot_send_msg")[-1]["body"]["markdown"]["content"] == "@张三 每日汇总"
