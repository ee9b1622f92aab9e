"""The self-built app's callback at /wecom/app (through a real aiohttp app) and its sending.

Callbacks are built with wechatpy's own WeChatCrypto, never with our encoder; the official WXBizMsgCrypt
vectors (wecom.md §2.5) go through the route unchanged.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
import xmltodict  # type: ignore[import-untyped]
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from wechatpy.enterprise.crypto import WeChatCrypto

from gridbot.bot.channels.wecom_api import AccessTokenCache, AppApi, WeComHttp
from gridbot.bot.channels.wecom_app import AppChannel, AppInbound
from gridbot.bot.channels.wecom_callback import CallbackEndpoint
from gridbot.bot.channels.wecom_crypto import CallbackCrypto, ReplayGuard
from gridbot.bot.messages import OutgoingMessage, ReplyContext
from tests.bot.channels.conftest import Recorder
from tests.fakes.wecom_server import FakeWeCom

CORP_ID = "wx5823bf96d3bd56c7"
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

GET_VECTOR = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
POST_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3T"
    "UUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsi"
    "jff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax"
    "5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGH"
    "BZZIs2pDBS8R07+qN+E7Q=="
)
POST_QUERY = {
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
}
POST_BODY = (
    f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{POST_ENCRYPT}]]></Encrypt>"
    "<AgentID><![CDATA[218]]></AgentID></xml>"
)

MakeClient = Callable[..., Any]


@pytest.fixture
async def make_client(ingest: Recorder) -> AsyncIterator[MakeClient]:
    clients: list[TestClient[web.Request, web.Application]] = []

    async def make(
        clock: Callable[[], float] = time.time, corp_id: str = CORP_ID, max_body: int = 64 * 1024
    ) -> TestClient[web.Request, web.Application]:
        endpoint = CallbackEndpoint(CallbackCrypto(TOKEN, AES_KEY, corp_id), ReplayGuard(clock), max_body)
        app = web.Application()
        app.add_routes(AppInbound(endpoint).routes(ingest))
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


def text_xml(content: str = "网格员 上报", msg_id: str = "1234567890123456", kind: str = "text") -> str:
    fields = {
        "text": f"<Content><![CDATA[{content}]]></Content>",
        "image": "<PicUrl><![CDATA[https://p.qpic.cn/x]]></PicUrl><MediaId><![CDATA[MEDIA-1]]></MediaId>",
        "location": "<Location_X>30.25</Location_X><Location_Y>120.16</Location_Y><Scale>15</Scale>"
        "<Label><![CDATA[东区菜场]]></Label>",
    }[kind]
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
        f"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{fields}"
        f"<MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
    )


def wechatpy_callback(plaintext: str, nonce: str = "nonce-1", corp_id: str = CORP_ID) -> tuple[dict[str, str], str]:
    """Query and body as WeCom sends them, encrypted by wechatpy itself."""
    envelope = WeChatCrypto(TOKEN, AES_KEY, corp_id).encrypt_message(plaintext, nonce, str(int(time.time())))
    fields = xmltodict.parse(envelope)["xml"]
    query = {"msg_signature": fields["MsgSignature"], "timestamp": fields["TimeStamp"], "nonce": fields["Nonce"]}
    body = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>"
    )
    return query, body


# --- URL verification (GET) ---------------------------------------------------------------------


async def test_official_get_vector(make_client: MakeClient) -> None:
    client = await make_client(clock=lambda: 1409659589.0)
    response = await client.get("/wecom/app", params=GET_VECTOR)
    assert response.status == 200
    assert await response.read() == b"1616140317555161061"  # no quotes, no newline


async def test_get_with_a_raw_plus_in_echostr(make_client: MakeClient) -> None:
    client = await make_client(clock=lambda: 1409659589.0)
    # Unescaped "+" as a careless proxy would forward it: URL-decoding makes it a space, which we restore.
    raw = "&".join(f"{key}={value}" for key, value in GET_VECTOR.items())
    response = await client.get(f"/wecom/app?{raw}")
    assert "+" in raw
    assert (response.status, await response.text()) == (200, "1616140317555161061")


async def test_get_with_a_bad_signature_is_403(make_client: MakeClient) -> None:
    client = await make_client(clock=lambda: 1409659589.0)
    response = await client.get("/wecom/app", params={**GET_VECTOR, "msg_signature": "0" * 40})
    assert response.status == 403


# --- messages (POST) ----------------------------------------------------------------------------


async def test_official_post_vector(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client(clock=lambda: 1409659813.0)
    response = await client.post("/wecom/app", params=POST_QUERY, data=POST_BODY)
    assert (response.status, await response.text()) == (200, "")
    [message] = ingest.messages
    assert (message.channel, message.message_id, message.text) == ("wecom_app", "4561255354251345929", "hello")
    assert (message.sender, message.sender_key, message.conversation, message.direct) == (
        "mycreate",
        "userid",
        "mycreate",
        True,
    )
    assert message.sent_at == datetime.fromtimestamp(1409659813, UTC)


async def test_wechatpy_text_callback_is_ingested(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    query, body = wechatpy_callback(text_xml("附图 E12"))
    response = await client.post("/wecom/app", params=query, data=body)
    assert response.status == 200
    [message] = ingest.messages
    assert (message.kind, message.text, message.sender) == ("text", "附图 E12", "zhangsan")


async def test_image_and_location(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    for nonce, kind, msg_id in (("n-img", "image", "1"), ("n-loc", "location", "2")):
        query, body = wechatpy_callback(text_xml(kind=kind, msg_id=msg_id), nonce=nonce)
        assert (await client.post("/wecom/app", params=query, data=body)).status == 200
    image, location = ingest.messages
    assert (image.kind, image.payload) == ("image", {"media_id": "MEDIA-1", "pic_url": "https://p.qpic.cn/x"})
    assert [(i.source, i.locator) for i in image.images] == [("wecom_app", "MEDIA-1")]  # fetched by media/get
    assert location.images == ()
    assert (location.kind, location.payload) == ("location", {"lat": 30.25, "lng": 120.16, "label": "东区菜场"})


async def test_events_are_acknowledged_and_ignored(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    event = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[enter_agent]]></Event><AgentID>1000002</AgentID></xml>"
    )
    query, body = wechatpy_callback(event)
    assert (await client.post("/wecom/app", params=query, data=body)).status == 200
    assert ingest.calls == 0


async def test_duplicate_msgid_still_answers_200(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    for nonce in ("first", "retry"):  # WeCom's retry of the same message
        query, body = wechatpy_callback(text_xml(msg_id="777"), nonce=nonce)
        response = await client.post("/wecom/app", params=query, data=body)
        assert (response.status, await response.text()) == (200, "")
    assert ingest.calls == 2 and len(ingest.messages) == 1


async def test_store_down_answers_503_and_the_retry_gets_through(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    query, body = wechatpy_callback(text_xml())
    ingest.fail = True
    assert (await client.post("/wecom/app", params=query, data=body)).status == 503
    ingest.fail = False
    assert (await client.post("/wecom/app", params=query, data=body)).status == 200  # same request again
    assert len(ingest.messages) == 1


# --- security rejections: short answer, no trace, nothing ingested --------------------------------


async def assert_rejected(response: aiohttp.ClientResponse, status: int, ingest: Recorder) -> None:
    text = await response.text()
    assert response.status == status
    assert len(text) < 100 and "Traceback" not in text and "File " not in text
    assert ingest.calls == 0


async def test_bad_signature_is_403(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    query, body = wechatpy_callback(text_xml())
    response = await client.post("/wecom/app", params={**query, "msg_signature": "f" * 40}, data=body)
    await assert_rejected(response, 403, ingest)


async def test_stale_timestamp_is_403(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client(clock=lambda: time.time() + 301)
    query, body = wechatpy_callback(text_xml())
    await assert_rejected(await client.post("/wecom/app", params=query, data=body), 403, ingest)


async def test_a_replayed_request_is_answered_200_and_not_processed_again(
    make_client: MakeClient, ingest: Recorder
) -> None:
    client = await make_client()
    query, body = wechatpy_callback(text_xml())
    assert (await client.post("/wecom/app", params=query, data=body)).status == 200
    ingest.calls = 0
    replayed = await client.post("/wecom/app", params=query, data=body)
    assert replayed.status == 200 and await replayed.text() == ""
    assert ingest.calls == 0


async def test_non_base64_encrypt_is_400(make_client: MakeClient, ingest: Recorder) -> None:
    from gridbot.bot.channels.wecom_crypto import signature

    client = await make_client()
    encrypted, timestamp = "not*base64!", str(int(time.time()))
    query = {"msg_signature": signature(TOKEN, timestamp, "n", encrypted), "timestamp": timestamp, "nonce": "n"}
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    await assert_rejected(await client.post("/wecom/app", params=query, data=body), 400, ingest)


async def test_message_for_another_corp_is_400(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    query, body = wechatpy_callback(text_xml(), corp_id="wwOtherCorp")
    await assert_rejected(await client.post("/wecom/app", params=query, data=body), 400, ingest)


async def test_xml_entities_are_400(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    query, _ = wechatpy_callback(text_xml())
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<xml><Encrypt>&lol2;</Encrypt></xml>"
    )
    await assert_rejected(await client.post("/wecom/app", params=query, data=laughs), 400, ingest)


async def test_entities_inside_the_encrypted_message_are_400(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    inner = '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + text_xml("&xxe;")
    query, body = wechatpy_callback(inner)
    await assert_rejected(await client.post("/wecom/app", params=query, data=body), 400, ingest)


async def test_body_too_large_is_413(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client(max_body=1024)
    query, body = wechatpy_callback(text_xml("长" * 1000))
    await assert_rejected(await client.post("/wecom/app", params=query, data=body), 413, ingest)


async def test_missing_query_is_400(make_client: MakeClient, ingest: Recorder) -> None:
    client = await make_client()
    await assert_rejected(await client.post("/wecom/app", data="<xml/>"), 400, ingest)


# --- sending ------------------------------------------------------------------------------------


def app_channel(fake: FakeWeCom, http: aiohttp.ClientSession) -> AppChannel:
    api = WeComHttp(http, fake.base_url)
    return AppChannel(AppApi(api, AccessTokenCache(api, CORP_ID, "app-secret")), "1000002")


def reply_to_direct(text: str) -> OutgoingMessage:
    context = ReplyContext("wecom_app", "zhangsan", "zhangsan", True, datetime.now(UTC), {})
    return OutgoingMessage(outbox_id=1, conversation="zhangsan", text=text, reply_to=context)


async def test_direct_reply_goes_by_message_send(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    channel = app_channel(fake, http)
    message = reply_to_direct("已收到 E12 的照片")
    assert channel.can_deliver(message) and channel.target(message) == "zhangsan"
    await channel.send(message)
    [call] = fake.calls("message/send")
    assert call.body == {
        "touser": "zhangsan",
        "agentid": 1000002,
        "msgtype": "text",
        "text": {"content": "已收到 E12 的照片"},
    }


async def test_group_post_goes_by_appchat_send(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    channel = app_channel(fake, http)
    message = OutgoingMessage(
        outbox_id=2, conversation="东区网格群", text="明早巡查", mentions=("张三",), bindings={"appchat_id": "CHAT1"}
    )
    assert channel.can_deliver(message) and channel.target(message) == "CHAT1"
    await channel.send(message)
    [call] = fake.calls("appchat/send")
    assert call.body == {"chatid": "CHAT1", "msgtype": "text", "text": {"content": "@张三 明早巡查"}, "safe": 0}


async def test_app_does_not_take_groups_without_appchat(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    message = OutgoingMessage(outbox_id=3, conversation="g", text="x", bindings={"robot_key": "K"})
    assert not app_channel(fake, http).can_deliver(message)
