"""build_wecom_channels creates only what the settings configure."""

from __future__ import annotations

from typing import Any

import aiohttp

from gridbot.bot.channels.wecom import build_wecom_channels
from gridbot.settings import Settings

AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


def settings(**values: Any) -> Settings:
    return Settings(**values)


async def test_nothing_configured_leaves_only_the_robot(http: aiohttp.ClientSession) -> None:
    built = build_wecom_channels(settings(), http)
    assert (built.inbound, [c.name for c in built.outbound], built.connections) == ([], ["robot"], [])


async def test_everything_configured(http: aiohttp.ClientSession) -> None:
    built = build_wecom_channels(
        settings(
            wecom_corp_id="wx5823bf96d3bd56c7",
            wecom_app_token="QDG6eK",
            wecom_app_aes_key=AES_KEY,
            wecom_app_secret="app-secret",
            wecom_app_agent_id="1000002",
            wecom_bot_token="BotToken",
            wecom_bot_aes_key=AES_KEY,
            wecom_bot_id="bot-1",
            wecom_bot_secret="bot-secret",
        ),
        http,
    )
    assert [c.name for c in built.inbound] == ["wecom_bot", "wecom_app"]
    assert [c.name for c in built.outbound] == ["bot", "app", "robot"]  # order of preference
    assert len(built.connections) == 1 and built.connections[0].url == "wss://openws.work.weixin.qq.com"
    paths = {route.path for channel in built.inbound for route in channel.routes(_ingest)}
    assert paths == {"/wecom/bot", "/wecom/app"}


async def test_long_connection_alone_gives_the_bot_channel(http: aiohttp.ClientSession) -> None:
    built = build_wecom_channels(
        settings(wecom_bot_id="bot-1", wecom_bot_secret="s", wecom_bot_ws_url="ws://127.0.0.1:1/"), http
    )
    assert built.inbound == [] and [c.name for c in built.outbound] == ["bot", "robot"]
    assert built.connections[0].url == "ws://127.0.0.1:1/"


async def _ingest(message: object) -> bool:
    return True
