"""Build the WeCom adapters the settings configure (no token, no channel).

`outbound` is in order of preference (the sender takes the first channel that can deliver): the AI bot first
(replies where the message came from), then the app, then the group robot (posts, and replies in groups that
have no better path).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp
from sqlalchemy import Engine

from gridbot.bot.channels.base import Channel, InboundChannel, MediaFetcher
from gridbot.bot.channels.wecom_api import AccessTokenCache, AppApi, WeComHttp
from gridbot.bot.channels.wecom_app import AppChannel, AppInbound
from gridbot.bot.channels.wecom_bot import BotChannel, BotInbound
from gridbot.bot.channels.wecom_bot_ws import AiBotConnection
from gridbot.bot.channels.wecom_callback import CallbackEndpoint, PassiveAnswer
from gridbot.bot.channels.wecom_crypto import CallbackCrypto, ReplayGuard
from gridbot.bot.channels.wecom_media import AppMedia, BotMedia
from gridbot.bot.channels.wecom_robot import RobotChannel
from gridbot.clock import Clock, SystemClock
from gridbot.settings import Settings
from gridbot.storage.reply_handles import UsedReplyHandles


@dataclass
class WeComChannels:
    inbound: list[InboundChannel] = field(default_factory=list)
    outbound: list[Channel] = field(default_factory=list)
    connections: list[AiBotConnection] = field(default_factory=list)
    media: list[MediaFetcher] = field(default_factory=list)  # what fetches the images the inbound messages carry


def build_wecom_channels(
    settings: Settings,
    http: aiohttp.ClientSession,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    answer: PassiveAnswer | None = None,
) -> WeComChannels:
    """The adapters; with an `engine`, the AI bot's used reply handles are kept in the database; `answer` gives
    the AI bot's HTTP callback its passive reply to a tapped card."""
    clock = clock or SystemClock()
    api = WeComHttp(http, settings.wecom_api_base)
    built = WeComChannels()

    bot_token, bot_key = settings.wecom_bot_token.get_secret_value(), settings.wecom_bot_aes_key.get_secret_value()
    if bot_token and bot_key:
        endpoint = CallbackEndpoint(CallbackCrypto(bot_token, bot_key, ""), ReplayGuard(), settings.max_body_bytes)
        built.inbound.append(
            BotInbound(
                endpoint, wecom_name=settings.wecom_bot_name, bot_name=settings.bot_name, clock=clock, answer=answer
            )
        )
    bot_secret = settings.wecom_bot_secret.get_secret_value()
    connection = None
    if settings.wecom_bot_id and bot_secret:
        connection = AiBotConnection(
            http,
            settings.wecom_bot_ws_url,
            settings.wecom_bot_id,
            bot_secret,
            wecom_name=settings.wecom_bot_name,
            bot_name=settings.bot_name,
            clock=clock,
        )
        built.connections.append(connection)
    if built.inbound or connection is not None:
        built.outbound.append(BotChannel(api, connection, clock, UsedReplyHandles(engine)))
        # HTTP-callback images are encrypted with the bot's EncodingAESKey; long-connection ones carry their own key.
        built.media.append(BotMedia(api, bot_key if bot_token else ""))

    corp_id = settings.wecom_corp_id
    app_token, app_key = settings.wecom_app_token.get_secret_value(), settings.wecom_app_aes_key.get_secret_value()
    if corp_id and app_token and app_key:
        endpoint = CallbackEndpoint(CallbackCrypto(app_token, app_key, corp_id), ReplayGuard(), settings.max_body_bytes)
        built.inbound.append(AppInbound(endpoint, clock))
    app_secret = settings.wecom_app_secret.get_secret_value()
    if corp_id and app_secret and settings.wecom_app_agent_id:
        app_api = AppApi(api, AccessTokenCache(api, corp_id, app_secret))
        built.outbound.append(AppChannel(app_api, settings.wecom_app_agent_id))
        built.media.append(AppMedia(app_api))  # the same token cache as the app's sends

    # The robot needs no settings: each group's binding carries its webhook key.
    built.outbound.append(RobotChannel(api))
    return built
