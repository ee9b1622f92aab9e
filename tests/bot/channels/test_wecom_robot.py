"""The group robot webhook: text with mentions, long text split, markdown for very long text, image md5."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import aiohttp
import pytest

from gridbot.bot.channels.base import DeliveryError
from gridbot.bot.channels.wecom_api import WeComHttp
from gridbot.bot.channels.wecom_robot import RobotChannel
from gridbot.bot.channels.wecom_text import utf8_len
from gridbot.bot.messages import OutgoingMessage
from tests.fakes.wecom_server import FakeWeCom

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def post(text: str, **fields: Any) -> OutgoingMessage:
    return OutgoingMessage(outbox_id=1, conversation="东区网格群", text=text, bindings={"robot_key": "KEY-1"}, **fields)


def robot(fake: FakeWeCom, http: aiohttp.ClientSession) -> RobotChannel:
    return RobotChannel(WeComHttp(http, fake.base_url))


def test_delivers_only_to_groups_with_a_robot_key() -> None:
    channel = RobotChannel(WeComHttp(None, "http://127.0.0.1:9"))  # type: ignore[arg-type]
    assert channel.can_deliver(post("x"))
    assert channel.target(post("x")) == "KEY-1"  # the sender rate-limits per robot
    assert not channel.can_deliver(OutgoingMessage(outbox_id=2, conversation="g", text="x", bindings={}))


async def test_text_mentions_the_userids(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    await robot(fake, http).send(post("E12 请处理", mentions=("张三",), mention_userids=("zhangsan", "lisi")))
    [call] = fake.calls("webhook/send")
    assert call.query == {"key": "KEY-1"}
    assert call.body == {
        "msgtype": "text",
        "text": {"content": "E12 请处理", "mentioned_list": ["zhangsan", "lisi"]},
    }


async def test_long_text_becomes_markdown_pieces_within_4096_bytes(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    lines = [f"{i:03d}. 东区网格 巡查正常，无新增事件" for i in range(200)]  # about 9 KB
    await robot(fake, http).send(post("\n".join(lines), mention_userids=("zhangsan",)))
    calls = fake.calls("webhook/send")
    assert len(calls) == 3
    assert all(c.body["msgtype"] == "markdown" for c in calls)
    contents = [c.body["markdown"]["content"] for c in calls]
    assert all(utf8_len(content) <= 4096 for content in contents)
    assert contents[0].startswith("<@zhangsan>\n000.")
    assert "\n".join(contents).split("\n")[1:] == lines


async def test_text_just_over_2048_bytes_is_never_cut_inside_a_character(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    await robot(fake, http).send(post("网" * 683))  # 2049 bytes
    [call] = fake.calls("webhook/send")
    assert call.body["markdown"]["content"] == "网" * 683


async def test_image_follows_the_text_with_md5_of_the_raw_png(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    await robot(fake, http).send(post("本周排名", image_png=base64.b64encode(PNG).decode()))
    text, image = fake.calls("webhook/send")
    assert text.body["text"]["content"] == "本周排名"
    assert image.body == {
        "msgtype": "image",
        "image": {"base64": base64.b64encode(PNG).decode(), "md5": hashlib.md5(PNG).hexdigest()},
    }


async def test_oversized_image_is_skipped_and_the_text_still_goes(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    big = base64.b64encode(b"\0" * (2 * 1024 * 1024 + 1)).decode()
    await robot(fake, http).send(post("本周排名", image_png=big))
    assert [c.body["msgtype"] for c in fake.calls("webhook/send")] == ["text"]


async def test_removed_robot_is_a_configuration_error(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.script("webhook/send", 93000)
    with pytest.raises(DeliveryError) as caught:
        await robot(fake, http).send(post("x"))
    assert caught.value.config and not caught.value.retry


async def test_throttled_robot_waits_a_minute(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.script("webhook/send", 45009)
    with pytest.raises(DeliveryError) as caught:
        await robot(fake, http).send(post("x"))
    assert caught.value.retry and caught.value.delay >= 60
