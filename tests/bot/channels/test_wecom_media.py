"""Fetching the images WeCom messages carry: the AI bot's encrypted links and the app's media/get, against the fake
WeCom server (which serves what the documented scheme makes of a real picture)."""

from __future__ import annotations

import aiohttp
import pytest

from gridbot.bot.channels.base import MediaUnavailable
from gridbot.bot.channels.wecom_api import AccessTokenCache, AppApi, WeComHttp
from gridbot.bot.channels.wecom_media import AppMedia, BotMedia, decrypt_media, media_key
from gridbot.bot.messages import IncomingImage
from tests.fakes.media import JPEG, aeskey, encrypt_for_aibot, png
from tests.fakes.wecom_server import FakeWeCom

BOT_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # an EncodingAESKey: 43 characters
LIMIT = 1_000_000


def bot_media(fake: FakeWeCom, http: aiohttp.ClientSession, key: str = BOT_KEY) -> BotMedia:
    return BotMedia(WeComHttp(http, fake.base_url), key)


def app_media(fake: FakeWeCom, http: aiohttp.ClientSession) -> tuple[AppMedia, AccessTokenCache]:
    api = WeComHttp(http, fake.base_url)
    tokens = AccessTokenCache(api, "corp", "app-secret")
    return AppMedia(AppApi(api, tokens)), tokens


async def test_an_http_callback_image_is_decrypted_with_the_bots_encoding_aes_key(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    picture = png(7)
    url = fake.serve_file("a", encrypt_for_aibot(picture, BOT_KEY))

    assert await bot_media(fake, http).fetch(IncomingImage("wecom_bot", url), LIMIT) == picture


async def test_a_long_connection_image_is_decrypted_with_its_own_aeskey(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    own = aeskey(3)
    url = fake.serve_file("b", encrypt_for_aibot(JPEG, own))

    # The bot's EncodingAESKey is not configured on a long connection; the image's key is enough.
    assert await bot_media(fake, http, key="").fetch(IncomingImage("wecom_bot", url, key=own), LIMIT) == JPEG


async def test_an_expired_link_is_unavailable_and_says_so(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    url = fake.serve_file("c", encrypt_for_aibot(JPEG, BOT_KEY))
    fake.expire_file("c")

    with pytest.raises(MediaUnavailable, match="HTTP 404") as failure:
        await bot_media(fake, http).fetch(IncomingImage("wecom_bot", url), LIMIT)
    assert not failure.value.refused


async def test_a_wrong_key_is_unavailable_never_garbage(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    url = fake.serve_file("d", encrypt_for_aibot(png(1), aeskey(9)))

    with pytest.raises(MediaUnavailable, match="cannot decrypt"):
        await bot_media(fake, http).fetch(IncomingImage("wecom_bot", url), LIMIT)


async def test_without_any_key_nothing_is_downloaded(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    url = fake.serve_file("e", encrypt_for_aibot(JPEG, BOT_KEY))

    with pytest.raises(MediaUnavailable, match="no key"):
        await bot_media(fake, http, key="").fetch(IncomingImage("wecom_bot", url), LIMIT)
    assert fake.file_downloads("e") == 0


async def test_an_image_larger_than_the_limit_is_refused(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    big = png(2, size=200)
    url = fake.serve_file("f", encrypt_for_aibot(big, BOT_KEY))

    with pytest.raises(MediaUnavailable) as failure:
        await bot_media(fake, http).fetch(IncomingImage("wecom_bot", url), len(big) // 2)
    assert failure.value.refused


def test_the_decryption_checks_the_padding_and_accepts_both_key_forms() -> None:
    picture = png(5)
    key_43 = BOT_KEY
    assert decrypt_media(encrypt_for_aibot(picture, key_43), media_key(key_43)) == picture
    key_44 = aeskey(1)  # base64 with its final "="
    assert key_44.endswith("=") and len(media_key(key_44)) == 32
    with pytest.raises(ValueError, match="blocks"):
        decrypt_media(b"\x00" * 33, media_key(key_43))
    with pytest.raises(ValueError, match="32"):
        media_key("c2hvcnQ=")


async def test_an_app_image_is_fetched_by_media_get_with_the_cached_token(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    fake.put_media("MEDIA-1", JPEG)
    fake.put_media("MEDIA-2", png(4), "image/png")
    media, tokens = app_media(fake, http)

    assert await media.fetch(IncomingImage("wecom_app", "MEDIA-1"), LIMIT) == JPEG
    assert await media.fetch(IncomingImage("wecom_app", "MEDIA-2"), LIMIT) == png(4)
    assert tokens.fetches == 1
    assert [call.query["media_id"] for call in fake.calls("media/get")] == ["MEDIA-1", "MEDIA-2"]


async def test_an_app_token_rejected_early_is_refreshed_once(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.put_media("MEDIA-1", JPEG)
    media, tokens = app_media(fake, http)
    await media.fetch(IncomingImage("wecom_app", "MEDIA-1"), LIMIT)
    fake.expire_tokens()  # WeCom may invalidate a token before its time

    assert await media.fetch(IncomingImage("wecom_app", "MEDIA-1"), LIMIT) == JPEG
    assert tokens.fetches == 2


async def test_an_unknown_media_id_is_unavailable_with_the_errcode(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    media, _ = app_media(fake, http)

    with pytest.raises(MediaUnavailable, match="40007"):
        await media.fetch(IncomingImage("wecom_app", "GONE"), LIMIT)
