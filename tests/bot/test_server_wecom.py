"""`gridbot serve` end to end with WeCom: an AI-bot callback built by wechatpy, the event made, the reply
delivered to the (fake) WeCom server through the callback's response_url, a post through a group robot."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import xmltodict
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine
from sqlmodel import Session, select
from wechatpy.enterprise.crypto import WeChatCrypto

from gridbot.bot.server import build_app
from gridbot.clock import SystemClock
from gridbot.settings import Settings
from gridbot.storage.models import Event
from tests.fakes.wecom_server import FakeWeCom
from tests.helpers import load_example_org

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
BINDINGS = (
    "bindings:\n"
    "  红旗村一网格群: {wecom_chat_id: CHAT-HQ1}\n"
    "  永乐镇网格中心群: {wecom_chat_id: CHAT-CENTER, robot_key: center-robot}\n"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    server = FakeWeCom()
    await server.start()
    yield server
    await server.close()


def callback(content: str, fake: FakeWeCom, msgid: str) -> tuple[dict[str, str], str]:
    """An AI-bot group callback, encrypted by wechatpy itself (receive id "")."""
    plaintext = json.dumps(
        {
            "msgid": msgid,
            "aibotid": "AIBOT1",
            "chatid": "CHAT-HQ1",
            "chattype": "group",
            "from": {"userid": "liuyang"},
            "response_url": f"{fake.base_url}/cgi-bin/aibot/response?response_code=RC-{msgid}",
            "msgtype": "text",
            "text": {"content": content},
        },
        ensure_ascii=False,
    )
    envelope = WeChatCrypto(TOKEN, AES_KEY, "").encrypt_message(plaintext, f"nonce-{msgid}", str(int(time.time())))
    fields = xmltodict.parse(envelope)["xml"]
    query = {"msg_signature": fields["MsgSignature"], "timestamp": fields["TimeStamp"], "nonce": fields["Nonce"]}
    return query, json.dumps({"encrypt": fields["Encrypt"]})


async def until(condition: Any, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_an_ai_bot_mention_becomes_an_event_and_the_replies_reach_wecom(engine: Engine, fake: FakeWeCom) -> None:
    load_example_org(engine, BINDINGS)
    settings = Settings(
        wecom_api_base=fake.base_url,
        wecom_bot_token=TOKEN,  # type: ignore[arg-type]
        wecom_bot_aes_key=AES_KEY,  # type: ignore[arg-type]
        wecom_bot_name="小网",
    )
    app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        query, body = callback("@小网 #上报 红旗村1组排水沟堵塞，污水漫到路面", fake, "m1")
        response = await client.post("/wecom/bot", params=query, data=body)
        assert (response.status, await response.text()) == (200, "")
        await until(lambda: fake.calls("aibot/response"))

        query, body = callback("@小网 上报中心 E1 需要机械清淤", fake, "m2")
        assert (await client.post("/wecom/bot", params=query, data=body)).status == 200
        await until(lambda: len(fake.calls("aibot/response")) == 2 and fake.calls("webhook/send"))
    finally:
        await client.close()

    with Session(engine) as session:
        [event] = session.exec(select(Event)).all()
    assert (event.status, event.level) == ("pending", 2)
    first, second = fake.calls("aibot/response")
    assert first.query["response_code"] == "RC-m1" and "E1" in json.dumps(first.body, ensure_ascii=False)
    assert second.query["response_code"] == "RC-m2"
    [post] = fake.calls("webhook/send")
    assert post.query["key"] == "center-robot" and "待派单" in json.dumps(post.body, ensure_ascii=False)
