"""Photos end to end through `gridbot serve`: a worker's AI-bot message with a report and a photo, the app's
`附图 E1` and images, against the fake WeCom server on 127.0.0.1.

The AI bot's photo is served encrypted as WeCom documents it (tests/fakes/media.py); the app's by media/get. Each
image is fetched when its message is stored, kept under its sha256 in `media_dir`, and attached to the event by
the photo rules; one that cannot be fetched or is not an image is recorded with the reason and not counted.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import xmltodict  # type: ignore[import-untyped]
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from wechatpy.enterprise.crypto import WeChatCrypto

from gridbot.bot import inbox
from gridbot.bot.channels.wecom_api import AccessTokenCache, AppApi, WeComHttp
from gridbot.bot.channels.wecom_media import AppMedia, BotMedia
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.ingest import Ingestor
from gridbot.bot.messages import IncomingImage, IncomingMessage
from gridbot.bot.metrics import Metrics
from gridbot.bot.photos import PhotoFetcher
from gridbot.bot.server import build_app
from gridbot.clock import SystemClock
from gridbot.settings import Settings
from gridbot.storage import event_repo
from gridbot.storage.models import Event, EventPhoto, InboxMessage, OutboxMessage, PhotoFile
from tests.fakes.media import JPEG, PDF, encrypt_for_aibot, png
from tests.fakes.wecom_server import FakeWeCom
from tests.helpers import load_example_org

BOT_TOKEN, APP_TOKEN = "BotToken", "AppToken"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "corp"
BINDINGS = "bindings:\n  红旗村一网格群: {wecom_chat_id: CHAT-HQ1}\n"
REPORT = "@小网 #上报 红旗村1组排水沟堵塞，污水漫到路面"


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    server = FakeWeCom()
    await server.start()
    yield server
    await server.close()


def settings_for(fake: FakeWeCom, media_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "wecom_api_base": fake.base_url,
        "wecom_bot_token": BOT_TOKEN,
        "wecom_bot_aes_key": AES_KEY,
        "wecom_bot_name": "小网",
        "wecom_corp_id": CORP_ID,
        "wecom_app_token": APP_TOKEN,
        "wecom_app_aes_key": AES_KEY,
        "wecom_app_secret": "app-secret",
        "wecom_app_agent_id": "1000002",
        "media_dir": media_dir,
    }
    return Settings(**{**values, **overrides})


Post = Callable[[str, tuple[dict[str, str], str]], Any]


@pytest.fixture
async def server(engine: Engine, fake: FakeWeCom, tmp_path: Path) -> AsyncIterator[Post]:
    load_example_org(engine, BINDINGS)
    app = await build_app(settings_for(fake, tmp_path / "media"), engine, SystemClock(), run_scheduler=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()

    async def post(path: str, callback: tuple[dict[str, str], str]) -> None:
        query, body = callback
        response = await client.post(path, params=query, data=body)
        assert (response.status, await response.text()) == (200, "")

    yield post
    await client.close()


def bot_callback(msgid: str, *items: dict[str, Any], text: str | None = None) -> tuple[dict[str, str], str]:
    """An AI-bot group message from 刘洋 (liuyang): a text, or a mixed message of these items."""
    body: dict[str, Any] = {
        "msgid": msgid,
        "aibotid": "AIBOT1",
        "chatid": "CHAT-HQ1",
        "chattype": "group",
        "from": {"userid": "liuyang"},
        "response_url": f"http://127.0.0.1:9/cgi-bin/aibot/response?response_code={msgid}",
    }
    if text is not None:
        body |= {"msgtype": "text", "text": {"content": text}}
    else:
        body |= {"msgtype": "mixed", "mixed": {"msg_item": list(items)}}
    plaintext = json.dumps(body, ensure_ascii=False)
    envelope = WeChatCrypto(BOT_TOKEN, AES_KEY, "").encrypt_message(plaintext, f"n-{msgid}", str(int(time.time())))
    fields = xmltodict.parse(envelope)["xml"]
    query = {"msg_signature": fields["MsgSignature"], "timestamp": fields["TimeStamp"], "nonce": fields["Nonce"]}
    return query, json.dumps({"encrypt": fields["Encrypt"]})


def said(content: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": content}}


def picture(url: str) -> dict[str, Any]:
    return {"msgtype": "image", "image": {"url": url}}


def app_callback(msg_id: str, *, text: str = "", media_id: str = "") -> tuple[dict[str, str], str]:
    """A 1:1 message from 刘洋 to the self-built app: a text, or an image by its MediaId."""
    if media_id:
        fields = "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://p.qpic.cn/x]]></PicUrl>"
        fields += f"<MediaId><![CDATA[{media_id}]]></MediaId>"
    else:
        fields = f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
    plaintext = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[liuyang]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>{fields}<MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
    )
    envelope = WeChatCrypto(APP_TOKEN, AES_KEY, CORP_ID).encrypt_message(
        plaintext, f"n-{msg_id}", str(int(time.time()))
    )
    parsed = xmltodict.parse(envelope)["xml"]
    query = {"msg_signature": parsed["MsgSignature"], "timestamp": parsed["TimeStamp"], "nonce": parsed["Nonce"]}
    return (
        query,
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{parsed['Encrypt']}]]></Encrypt></xml>",
    )


async def processed(engine: Engine, count: int, seconds: float = 10.0) -> None:
    """Wait until `count` stored messages have been processed."""
    deadline = time.monotonic() + seconds
    while True:
        with Session(engine) as session:
            done = session.exec(select(InboxMessage).where(InboxMessage.state != "received")).all()
        if len(done) >= count:
            return
        assert time.monotonic() < deadline, f"{len(done)} of {count} messages processed in time"
        await asyncio.sleep(0.02)


def answers(engine: Engine, message_id: str) -> str:
    """What the bot answered to the message with this platform id, joined."""
    with Session(engine) as session:
        inbox = session.exec(select(InboxMessage).where(InboxMessage.message_id == message_id)).one()
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.in_reply_to == inbox.id).order_by(col(OutboxMessage.id))
        ).all()
        return "\n".join(row.text for row in rows)


def photos_of(engine: Engine, event_id: int) -> list[PhotoFile]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(PhotoFile)
                .join(EventPhoto, col(EventPhoto.photo_file_id) == col(PhotoFile.id))
                .where(EventPhoto.event_id == event_id)
                .order_by(col(PhotoFile.id))
            ).all()
        )


def media_files(media_dir: Path) -> list[str]:
    return sorted(path.name for path in media_dir.rglob("*") if path.is_file()) if media_dir.exists() else []


def photo_states(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [row.state for row in session.exec(select(PhotoFile).order_by(col(PhotoFile.id))).all()]


def photo_count(engine: Engine, event_id: int) -> int:
    with Session(engine) as session:
        return event_repo.photo_count(session, event_id)


async def test_a_report_with_a_photo_makes_the_event_and_keeps_the_photo_in_one_go(
    engine: Engine, fake: FakeWeCom, server: Post, tmp_path: Path
) -> None:
    photo = png(11)
    link = fake.serve_file("p1", encrypt_for_aibot(photo, AES_KEY))  # HTTP callback: the bot's EncodingAESKey

    await server("/wecom/bot", bot_callback("m1", said(REPORT), picture(link)))
    await processed(engine, 1)

    with Session(engine) as session:
        [event] = session.exec(select(Event)).all()
    assert event.id == 1 and "排水沟堵塞" in event.description
    [kept] = photos_of(engine, 1)
    digest = hashlib.sha256(photo).hexdigest()
    assert (kept.state, kept.sha256, kept.size, kept.content_type) == ("stored", digest, len(photo), "image/png")
    assert (tmp_path / "media" / str(kept.path)).read_bytes() == photo
    assert str(kept.path).endswith(f"{digest}.png")
    reply = answers(engine, "m1")
    assert "E1" in reply and "E1 已收到照片（共 1 张）" in reply

    await server("/wecom/bot", bot_callback("m2", text="@小网 查询 E1"))
    await processed(engine, 2)
    assert "照片：1 张" in answers(engine, "m2")


async def test_an_expired_link_is_recorded_and_the_report_is_made_all_the_same(
    engine: Engine, fake: FakeWeCom, server: Post, tmp_path: Path
) -> None:
    link = fake.serve_file("p1", encrypt_for_aibot(JPEG, AES_KEY))
    fake.expire_file("p1")

    await server("/wecom/bot", bot_callback("m1", said(REPORT), picture(link)))
    await processed(engine, 1)

    with Session(engine) as session:
        assert session.get(Event, 1) is not None
    [missing] = photos_of(engine, 1)
    assert missing.state == "missing" and "HTTP 404" in str(missing.reason) and missing.path is None
    assert photo_count(engine, 1) == 0
    assert "E1 有 1 张图片没能保存" in answers(engine, "m1")
    assert media_files(tmp_path / "media") == []

    await server("/wecom/bot", bot_callback("m2", text="@小网 查询 E1"))
    await processed(engine, 2)
    assert "照片" not in answers(engine, "m2").split("记录")[0]


async def test_a_photo_sent_with_a_text_naming_the_event_goes_to_that_event(
    engine: Engine, fake: FakeWeCom, server: Post
) -> None:
    await server("/wecom/bot", bot_callback("m1", text=REPORT))
    await server("/wecom/bot", bot_callback("m2", text="@小网 #上报 红旗村2组路灯不亮"))
    link = fake.serve_file("p1", encrypt_for_aibot(JPEG, AES_KEY))
    await server("/wecom/bot", bot_callback("m3", said("@小网 附图 E1"), picture(link)))
    await processed(engine, 3)

    assert (photo_count(engine, 1), photo_count(engine, 2)) == (1, 0)
    assert "E1 已收到照片（共 1 张）" in answers(engine, "m3")


async def test_an_app_image_after_附图_is_fetched_by_media_get_and_counted(
    engine: Engine, fake: FakeWeCom, server: Post, tmp_path: Path
) -> None:
    fake.put_media("MEDIA-1", JPEG)
    await server("/wecom/bot", bot_callback("m1", text=REPORT))
    await server("/wecom/app", app_callback("101", text="附图 E1"))
    await server("/wecom/app", app_callback("102", media_id="MEDIA-1"))
    await processed(engine, 3)

    [kept] = photos_of(engine, 1)
    assert (kept.state, kept.content_type) == ("stored", "image/jpeg")
    assert (tmp_path / "media" / str(kept.path)).read_bytes() == JPEG
    [fetch] = fake.calls("media/get")
    assert fetch.query["media_id"] == "MEDIA-1" and fetch.query["access_token"].startswith("token-")
    assert "E1 已收到照片（共 1 张）" in answers(engine, "102")


async def test_a_file_that_is_not_an_image_is_refused_and_recorded(
    engine: Engine, fake: FakeWeCom, server: Post, tmp_path: Path
) -> None:
    fake.put_media("MEDIA-PDF", PDF, "image/jpeg")  # the type is read from the bytes, not from the header
    await server("/wecom/bot", bot_callback("m1", text=REPORT))
    await server("/wecom/app", app_callback("101", text="附图 E1"))
    await server("/wecom/app", app_callback("102", media_id="MEDIA-PDF"))
    await processed(engine, 3)

    [refused] = photos_of(engine, 1)
    assert refused.state == "refused" and "not a JPEG, PNG, GIF or WebP" in str(refused.reason)
    assert photo_count(engine, 1) == 0 and "没能保存" in answers(engine, "102")
    assert media_files(tmp_path / "media") == []


async def test_the_same_picture_twice_is_one_file_and_one_photo(
    engine: Engine, fake: FakeWeCom, server: Post, tmp_path: Path
) -> None:
    fake.put_media("MEDIA-1", JPEG)
    fake.put_media("MEDIA-2", JPEG)  # sent again: another MediaId, the same bytes
    fake.put_media("MEDIA-3", png(8))
    await server("/wecom/bot", bot_callback("m1", text=REPORT))
    await server("/wecom/app", app_callback("101", text="附图 E1"))
    for msg_id, media_id in (("102", "MEDIA-1"), ("103", "MEDIA-2"), ("104", "MEDIA-3")):
        await server("/wecom/app", app_callback(msg_id, media_id=media_id))
    await processed(engine, 5)

    rows = photos_of(engine, 1)
    assert [row.state for row in rows] == ["stored"] * 3
    assert rows[0].path == rows[1].path != rows[2].path
    assert media_files(tmp_path / "media") == sorted([f"{rows[0].sha256}.jpg", f"{rows[2].sha256}.png"])
    assert photo_count(engine, 1) == 2
    assert "共 2 张" in answers(engine, "104")


async def test_images_are_fetched_on_receipt_even_while_processing_lags(
    engine: Engine, fake: FakeWeCom, tmp_path: Path
) -> None:
    """The AI bot's link lasts five minutes: the fetch starts when the message is stored, not when the inbox
    worker reaches it. Here the worker has not started at all, the link is fetched and then expires, and the
    photo is still there when the report is processed."""
    load_example_org(engine, BINDINGS)
    settings = settings_for(fake, tmp_path / "media")
    clock = SystemClock()
    async with aiohttp.ClientSession() as http:
        photos = PhotoFetcher(engine, settings, [BotMedia(WeComHttp(http, fake.base_url), AES_KEY)], clock)
        ingestor = Ingestor(engine, Dispatcher(engine, settings, clock), clock, Metrics(), photos)
        link = fake.serve_file("p1", encrypt_for_aibot(JPEG, AES_KEY))
        message = IncomingMessage(
            channel="wecom_bot",
            message_id="m1",
            conversation="CHAT-HQ1",
            sender="liuyang",
            sent_at=clock.now(),
            text="@网格助手 #上报 红旗村1组排水沟堵塞",
            payload={},
            conversation_key="wecom_chat_id",
            sender_key="userid",
            images=(IncomingImage("wecom_bot", link),),
        )
        assert await ingestor.ingest(message)
        deadline = time.monotonic() + 10
        while photo_states(engine) != ["stored"]:
            assert time.monotonic() < deadline, "the image was not fetched while the worker waited"
            await asyncio.sleep(0.02)
        assert fake.file_downloads("p1") == 1
        fake.expire_file("p1")  # five minutes later

        ingestor.start()
        await ingestor.drain()
    assert photo_count(engine, 1) == 1


async def test_images_left_unfetched_by_a_previous_run_are_fetched_before_their_message_is_processed(
    engine: Engine, fake: FakeWeCom, tmp_path: Path
) -> None:
    """A restart between storing a message and fetching its images: the app's MediaId lasts three days."""
    load_example_org(engine, BINDINGS)
    settings = settings_for(fake, tmp_path / "media")
    clock = SystemClock()
    fake.put_media("MEDIA-1", JPEG)
    dispatcher = Dispatcher(engine, settings, clock)

    def in_app(message_id: str, text: str = "", images: tuple[IncomingImage, ...] = ()) -> IncomingMessage:
        kind = "image" if images else "text"
        return IncomingMessage(
            "wecom_app", message_id, "liuyang", "liuyang", clock.now(), text, kind, {}, "userid", "userid", True, images
        )

    report = "@网格助手 #上报 红旗村1组排水沟堵塞"
    dispatcher.handle(
        IncomingMessage(
            "wecom_bot", "m1", "CHAT-HQ1", "liuyang", clock.now(), report, "text", {}, "wecom_chat_id", "userid"
        )
    )
    dispatcher.handle(in_app("102", "附图 E1"))
    image = in_app("103", images=(IncomingImage("wecom_app", "MEDIA-1"),))
    assert inbox.store(engine, image, received_at=clock.now()) is not None  # stored, then the process stopped

    async with aiohttp.ClientSession() as http:
        api = WeComHttp(http, fake.base_url)
        media = AppMedia(AppApi(api, AccessTokenCache(api, CORP_ID, "app-secret")))
        ingestor = Ingestor(engine, dispatcher, clock, Metrics(), PhotoFetcher(engine, settings, [media], clock))
        ingestor.start()
        await ingestor.drain()
    [kept] = photos_of(engine, 1)
    assert kept.state == "stored" and photo_count(engine, 1) == 1
