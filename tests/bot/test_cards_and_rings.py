"""WeCom as the town uses it: a dispatch arrives as a card with 签收/退回 buttons and a robot text that @s the
department (a card's mentions do not ring); tapping 签收 signs the event exactly as typing 签收 E1 does, and the
card is replaced within 5 s by what happened; a tap on a card that has moved on answers with the current state."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import xmltodict
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from wechatpy.crypto import PrpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto

from gridbot.bot.channels.wecom_crypto import signature
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.server import build_app
from gridbot.clock import SimulatedClock, SystemClock
from gridbot.settings import Settings
from gridbot.storage.models import Event, EventHistory, InboxMessage, OutboxMessage
from tests.fakes.aibot_ws_server import FakeAiBotServer
from tests.fakes.wecom_server import FakeWeCom
from tests.helpers import START, load_example_org, text_message

BINDINGS = (
    "bindings:\n"
    "  综合执法队群: {wecom_chat_id: CHAT-DEPT, robot_key: dept-robot}\n"
    "  永乐镇网格中心群: {wecom_chat_id: CHAT-CENTER}\n"
)


@pytest.fixture
async def wecom() -> AsyncIterator[tuple[FakeWeCom, FakeAiBotServer]]:
    http, ws = FakeWeCom(), FakeAiBotServer()
    await http.start()
    await ws.start()
    yield http, ws
    await ws.close()
    await http.close()


async def until(condition: Callable[[], Any], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def click(key: str, task_id: str, msgid: str, req_id: str) -> dict[str, Any]:
    """A tap on a card button, as the long connection delivers it (aibot_event_callback)."""
    return {
        "cmd": "aibot_event_callback",
        "headers": {"req_id": req_id},
        "body": {
            "msgid": msgid,
            "create_time": 1700000000,
            "aibotid": "AIBOT1",
            "chatid": "CHAT-DEPT",
            "chattype": "group",
            "from": {"userid": "tiandz"},
            "msgtype": "event",
            "event": {"eventtype": "template_card_event", "event_key": key, "task_id": task_id},
        },
    }


def prepare(engine: Engine) -> None:
    """E1 reported, sent to the center and dispatched to 综合执法队 (by day: the @ rings)."""
    load_example_org(engine, BINDINGS)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(START))
    for text, by, group in (
        ("#上报 红旗村1组路边垃圾堆积", "刘洋", "红旗村一网格群"),
        ("上报中心 E1 需清运", "刘洋", "红旗村一网格群"),
        ("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群"),
    ):
        dispatcher.handle(text_message(text, by, group))


def history(engine: Engine) -> list[tuple[str, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(EventHistory).order_by(col(EventHistory.id))).all()
        return [(row.action, row.to_status) for row in rows]


async def test_a_dispatch_is_a_card_that_rings_and_a_tap_signs_like_typing(
    engine: Engine, wecom: tuple[FakeWeCom, FakeAiBotServer]
) -> None:
    http, ws = wecom
    prepare(engine)
    settings = Settings(
        wecom_api_base=http.base_url,
        wecom_bot_ws_url=ws.url,
        wecom_bot_id="bot-1",
        wecom_bot_secret="bot-secret",  # type: ignore[arg-type]
    )
    app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        await until(lambda: ws.commands("aibot_send_msg") and http.calls("webhook/send"))
        [card] = [f["body"] for f in ws.commands("aibot_send_msg") if f["body"]["chatid"] == "CHAT-DEPT"]
        assert card["msgtype"] == "template_card"
        template = card["template_card"]
        assert template["card_type"] == "button_interaction" and "E1" in template["main_title"]["title"]
        assert [b["key"] for b in template["button_list"]] == ["签收 E1", "退回 E1"]
        [ring] = [c for c in http.calls("webhook/send") if c.query["key"] == "dept-robot"]
        assert ring.body["text"]["mentioned_list"] == ["tiandz"] and "E1" in ring.body["text"]["content"]

        tapped = time.monotonic()
        await ws.push(click("签收 E1", template["task_id"], "click-1", "REQ-CLICK-1"))
        await until(lambda: ws.commands("aibot_respond_update_msg"))
        assert time.monotonic() - tapped < 5
        [update] = ws.commands("aibot_respond_update_msg")
        assert update["headers"]["req_id"] == "REQ-CLICK-1"
        replaced = update["body"]["template_card"]
        assert update["body"]["response_type"] == "update_template_card"
        assert replaced["task_id"] == template["task_id"] and "E1 已签收" in replaced["main_title"]["title"]
        assert "田队长" in replaced["main_title"]["desc"]

        # The card has moved on: a second tap answers with the current state, and changes nothing.
        await ws.push(click("签收 E1", template["task_id"], "click-2", "REQ-CLICK-2"))
        await until(lambda: len(ws.commands("aibot_respond_update_msg")) == 2)
        stale = ws.commands("aibot_respond_update_msg")[1]["body"]["template_card"]
        assert "已签收" in stale["main_title"]["title"] + stale["sub_title_text"]
    finally:
        await server.close()

    with Session(engine) as session:
        event = session.get(Event, 1)
        assert event is not None and event.status == "accepted"
    assert history(engine)[-1] == ("accept", "accepted")


def test_typing_the_same_command_writes_the_same_history(engine: Engine) -> None:
    prepare(engine)
    Dispatcher(engine, Settings(), SimulatedClock(START)).handle(text_message("签收 E1", "田队长", "综合执法队群"))
    assert history(engine)[-1] == ("accept", "accepted")


def test_every_notice_with_buttons_is_in_the_routing_table_of_the_deployment_guide() -> None:
    """docs/deploy-wecom.md tells the administrator which messages come as cards: it must name them all."""
    from pathlib import Path

    import gridbot.notices.directives
    import gridbot.notices.flow
    import gridbot.notices.reports
    from gridbot.notices import Notice

    guide = (Path(__file__).resolve().parents[2] / "docs" / "deploy-wecom.md").read_text(encoding="utf-8")
    modules = (gridbot.notices.flow, gridbot.notices.directives, gridbot.notices.reports)
    with_buttons = [
        cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, Notice) and cls.buttons is not Notice.buttons
    ]
    assert len(with_buttons) == 5
    for cls in with_buttons:
        assert f"`{cls.kind()}`" in guide, cls.kind()


async def test_a_card_tapped_through_the_http_callback_is_replaced_in_the_callbacks_own_answer(engine: Engine) -> None:
    """API mode: the answer to the template_card_event is the encrypted passive reply updating the card, within 5 s;
    the reply is not sent a second time by response_url."""
    prepare(engine)
    token, aes_key = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    fake = FakeWeCom()
    await fake.start()
    settings = Settings(
        wecom_api_base=fake.base_url,
        wecom_bot_token=token,  # type: ignore[arg-type]
        wecom_bot_aes_key=aes_key,  # type: ignore[arg-type]
    )
    tap = click("签收 E1", "gridbot-3", "click-http-1", "unused")["body"]
    tap["response_url"] = f"{fake.base_url}/cgi-bin/aibot/response?response_code=RC-TAP"
    crypto = WeChatCrypto(token, aes_key, "")
    envelope = xmltodict.parse(
        crypto.encrypt_message(json.dumps(tap, ensure_ascii=False), "nonce-tap", str(int(time.time())))
    )["xml"]
    query = {"msg_signature": envelope["MsgSignature"], "timestamp": envelope["TimeStamp"], "nonce": "nonce-tap"}
    app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            tapped = time.monotonic()
            response = await client.post("/wecom/bot", params=query, data=json.dumps({"encrypt": envelope["Encrypt"]}))
            assert response.status == 200 and time.monotonic() - tapped < 5
            answer = await response.json()
            assert (
                signature(token, str(answer["timestamp"]), answer["nonce"], answer["encrypt"]) == answer["msgsignature"]
            )
            plaintext = PrpCrypto(crypto.key).decrypt(answer["encrypt"], "")
            update = json.loads(plaintext)
            assert update["response_type"] == "update_template_card"
            card = update["template_card"]
            assert card["task_id"] == "gridbot-3" and "E1 已签收" in card["main_title"]["title"]
            assert "田队长" in card["main_title"]["desc"]
            await asyncio.sleep(0.5)
    finally:
        await fake.close()
    assert fake.calls("aibot/response") == []  # answered once, in the callback
    assert history(engine)[-1] == ("accept", "accepted")
    with Session(engine) as session:
        tap_id = session.exec(select(InboxMessage.id).where(InboxMessage.message_id == "click-http-1")).one()
        [reply] = session.exec(select(OutboxMessage).where(OutboxMessage.in_reply_to == tap_id)).all()
        assert (reply.state, reply.via) == ("sent", "bot")
