"""The WeCom API client: access tokens (early, single-flight, refreshed once) and error classification."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from gridbot.bot.channels.base import DeliveryError
from gridbot.bot.channels.wecom_api import AccessTokenCache, AppApi, WeComApiError, WeComHttp
from tests.fakes.wecom_server import FakeWeCom


def app_api(fake: FakeWeCom, http: aiohttp.ClientSession, secret: str = "app-secret") -> AppApi:
    api = WeComHttp(http, fake.base_url)
    return AppApi(api, AccessTokenCache(api, "corp-1", secret))


SEND = {"touser": "zhangsan", "agentid": 1000002, "msgtype": "text", "text": {"content": "收到"}}


async def test_token_is_fetched_once_and_reused(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    api = app_api(fake, http)
    await api.post("message/send", SEND)
    await api.post("message/send", SEND)
    assert len(fake.calls("gettoken")) == 1
    assert fake.calls("gettoken")[0].query == {"corpid": "corp-1", "corpsecret": "app-secret"}
    assert [c.query["access_token"] for c in fake.calls("message/send")] == ["token-1", "token-1"]


async def test_expired_token_is_refreshed_once_then_the_call_succeeds(
    fake: FakeWeCom, http: aiohttp.ClientSession
) -> None:
    api = app_api(fake, http)
    await api.post("message/send", SEND)
    fake.expire_tokens()  # WeCom invalidated it early
    await api.post("message/send", SEND)
    assert len(fake.calls("gettoken")) == 2
    assert [c.query["access_token"] for c in fake.calls("message/send")] == ["token-1", "token-1", "token-2"]


async def test_a_second_42001_raises_without_looping(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    api = app_api(fake, http)
    fake.script("message/send", 42001, 42001, 42001, 42001)
    with pytest.raises(DeliveryError) as caught:
        await api.post("message/send", SEND)
    assert len(fake.calls("gettoken")) == 2  # the first token, then exactly one refresh
    assert len(fake.calls("message/send")) == 2
    assert caught.value.retry and caught.value.delay >= 60


async def test_40014_also_refreshes(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    api = app_api(fake, http)
    fake.script("appchat/send", 40014)
    await api.post("appchat/send", {"chatid": "c1", "msgtype": "text", "text": {"content": "x"}})
    assert len(fake.calls("gettoken")) == 2


async def test_concurrent_callers_share_one_gettoken(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.token_delay = 0.05
    api = app_api(fake, http)
    await asyncio.gather(*(api.post("message/send", SEND) for _ in range(10)))
    assert len(fake.calls("gettoken")) == 1
    assert len(fake.calls("message/send")) == 10


async def test_concurrent_expiry_refreshes_once(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    api = app_api(fake, http)
    await api.post("message/send", SEND)
    fake.expire_tokens()
    fake.token_delay = 0.05
    await asyncio.gather(*(api.post("message/send", SEND) for _ in range(10)))
    assert len(fake.calls("gettoken")) == 2


async def test_token_is_refreshed_before_it_expires(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    now = [1000.0]
    api = WeComHttp(http, fake.base_url)
    tokens = AccessTokenCache(api, "corp-1", "app-secret", clock=lambda: now[0])
    assert await tokens.token() == "token-1"
    now[0] += 7200 - 301  # still more than the 300 s margin left
    assert await tokens.token() == "token-1"
    now[0] += 2  # inside the margin: refresh early, before WeCom would answer 42001
    assert await tokens.token() == "token-2"


async def test_45009_is_retried_after_at_least_a_minute(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.script("message/send", 45009)
    with pytest.raises(DeliveryError) as caught:
        await app_api(fake, http).post("message/send", SEND)
    assert caught.value.retry and not caught.value.config and caught.value.delay >= 60


async def test_system_busy_is_retried(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.script("message/send", -1)
    with pytest.raises(DeliveryError) as caught:
        await app_api(fake, http).post("message/send", SEND)
    assert caught.value.retry


@pytest.mark.parametrize("errcode", [60020, 93000])
async def test_configuration_errors_are_not_retried(fake: FakeWeCom, http: aiohttp.ClientSession, errcode: int) -> None:
    fake.script("message/send", errcode)
    with pytest.raises(DeliveryError) as caught:
        await app_api(fake, http).post("message/send", SEND)
    assert caught.value.config and not caught.value.retry
    assert str(errcode) in str(caught.value)


async def test_bad_secret_is_a_configuration_error(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    with pytest.raises(DeliveryError) as caught:
        await app_api(fake, http, secret="wrong").post("message/send", SEND)
    assert caught.value.config and not caught.value.retry
    assert "wrong" not in str(caught.value)  # the secret never lands in an error message


async def test_other_errcodes_are_not_retried(fake: FakeWeCom, http: aiohttp.ClientSession) -> None:
    fake.script("message/send", 81013)  # user not found
    with pytest.raises(DeliveryError) as caught:
        await app_api(fake, http).post("message/send", SEND)
    assert not caught.value.retry and not caught.value.config


async def test_network_errors_are_retried(http: aiohttp.ClientSession) -> None:
    fake = FakeWeCom()
    await fake.start()
    base = fake.base_url
    await fake.close()  # nothing listens there any more
    with pytest.raises(WeComApiError) as caught:
        await WeComHttp(http, base).call("POST", f"{base}/cgi-bin/webhook/send", params={"key": "k"}, body={})
    assert caught.value.retry and caught.value.errcode is None
    assert "key" not in str(caught.value) and "k=" not in str(caught.value)
