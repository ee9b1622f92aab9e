"""An aiohttp client for the WeCom server API (`{api_base}/cgi-bin/...`).

wechatpy's client is synchronous and refreshes tokens recursively without bound, so the bot uses this instead:
explicit timeouts, one access-token cache per app with single-flight refresh, a single refresh on 40014/42001,
and every failure classified as a `DeliveryError` (retry, config, or neither). URLs carry secrets (access token,
webhook key), so error messages name the API path only.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from gridbot.bot.channels.base import DeliveryError

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=5, sock_read=20)  # an image of a few MB on a slow line
DOWNLOAD_CHUNK = 64 * 1024
TOKEN_REFRESH_MARGIN = 300.0  # refresh this long before expires_in runs out
TOKEN_CODES = frozenset({40014, 42001})  # invalid / expired access token: refresh once
CONFIG_CODES = frozenset({40001, 40013, 60020, 93000})  # bad secret, bad corp id, untrusted IP, bad webhook key
T = TypeVar("T")
RETRY_DELAYS = {
    -1: 0.0,  # system busy: the sender's back-off applies
    45009: 60.0,  # api freq out of limit: minute-level blocks last 60 s
    45033: 5.0,  # too many concurrent calls
}


class WeComApiError(DeliveryError):
    """A WeCom answer with a non-zero errcode (or a transport failure, errcode None)."""

    def __init__(
        self, message: str, *, errcode: int | None, retry: bool, config: bool = False, delay: float = 0.0
    ) -> None:
        super().__init__(message, retry=retry, config=config, delay=delay, throttled=errcode == 45009)
        self.errcode = errcode


class DownloadTooLarge(WeComApiError):
    """A download longer than the caller's limit: stopped without reading the rest."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what}: more than {limit} bytes", errcode=None, retry=False)
        self.limit = limit


def classify(errcode: int, errmsg: str, what: str) -> WeComApiError:
    """The delivery error for a WeCom errcode."""
    text = f"{what}: errcode {errcode} {errmsg}".strip()
    if errcode in RETRY_DELAYS:
        return WeComApiError(text, errcode=errcode, retry=True, delay=RETRY_DELAYS[errcode])
    if errcode in CONFIG_CODES:
        return WeComApiError(text, errcode=errcode, retry=False, config=True)
    return WeComApiError(text, errcode=errcode, retry=False)


class WeComHttp:
    """JSON requests to WeCom with timeouts; transport failures become retryable errors."""

    def __init__(
        self, http: aiohttp.ClientSession, api_base: str, timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT
    ) -> None:
        self.http = http
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout

    def url(self, path: str) -> str:
        return f"{self.api_base}/cgi-bin/{path}"

    async def call(
        self, method: str, url: str, *, params: dict[str, str] | None = None, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The JSON answer when errcode is 0 (or absent); otherwise raise the classified error."""
        what = URL(url).path
        try:
            async with self.http.request(method, url, params=params, json=body, timeout=self.timeout) as response:
                if response.status >= 500 or response.status == 429:
                    raise WeComApiError(f"{what}: HTTP {response.status}", errcode=None, retry=True)
                if response.status != 200:
                    raise WeComApiError(f"{what}: HTTP {response.status}", errcode=None, retry=False)
                raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise WeComApiError(f"{what}: {type(error).__name__}", errcode=None, retry=True) from None
        try:
            data = json.loads(raw)
        except ValueError:
            raise WeComApiError(f"{what}: answer is not JSON", errcode=None, retry=True) from None
        if not isinstance(data, dict):
            raise WeComApiError(f"{what}: answer is not a JSON object", errcode=None, retry=True)
        errcode = data.get("errcode", 0)
        if errcode != 0:
            code = errcode if isinstance(errcode, int) else -1
            raise classify(code, str(data.get("errmsg", "")), what)
        return data

    async def download(self, url: str, *, max_bytes: int, params: dict[str, str] | None = None) -> bytes:
        """A file's bytes, at most `max_bytes` (more raises DownloadTooLarge without reading the rest). A JSON
        answer carrying an errcode is WeCom's refusal (media/get answers errors that way), raised classified."""
        what = URL(url).path
        chunks: list[bytes] = []
        try:
            async with self.http.get(url, params=params, timeout=DOWNLOAD_TIMEOUT) as response:
                if response.status != 200:
                    retry = response.status >= 500 or response.status == 429
                    raise WeComApiError(f"{what}: HTTP {response.status}", errcode=None, retry=retry)
                if response.content_length is not None and response.content_length > max_bytes:
                    raise DownloadTooLarge(what, max_bytes)
                size = 0
                async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise DownloadTooLarge(what, max_bytes)
                    chunks.append(chunk)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise WeComApiError(f"{what}: {type(error).__name__}", errcode=None, retry=True) from None
        data = b"".join(chunks)
        if data[:1] == b"{":
            refusal = _errcode_answer(data)
            if refusal is not None:
                raise classify(refusal[0], refusal[1], what)
        return data


def _errcode_answer(data: bytes) -> tuple[int, str] | None:
    """(errcode, errmsg) when the bytes are a JSON answer with a non-zero errcode."""
    try:
        answer = json.loads(data)
    except ValueError:  # also UnicodeDecodeError: file bytes that happen to start with "{"
        return None
    if not isinstance(answer, dict) or answer.get("errcode", 0) == 0:
        return None
    errcode = answer["errcode"]
    return (errcode if isinstance(errcode, int) else -1), str(answer.get("errmsg", ""))


class AccessTokenCache:
    """One app's access token (corp id + secret), refreshed early and by one caller at a time."""

    def __init__(
        self,
        api: WeComHttp,
        corp_id: str,
        secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = TOKEN_REFRESH_MARGIN,
    ) -> None:
        self.api = api
        self.corp_id = corp_id
        self._secret = secret
        self.clock = clock
        self.margin = margin
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    def _fresh(self) -> bool:
        return bool(self._token) and self.clock() < self._expires_at

    async def token(self) -> str:
        if self._fresh():
            return self._token
        return await self.refresh(stale=None)

    async def refresh(self, stale: str | None) -> str:
        """A new token, unless another caller already replaced `stale` while this one waited for the lock."""
        async with self._lock:
            if self._fresh() and self._token != stale:
                return self._token
            data = await self.api.call(
                "GET", self.api.url("gettoken"), params={"corpid": self.corp_id, "corpsecret": self._secret}
            )
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise WeComApiError("gettoken: no access_token in the answer", errcode=None, retry=True)
            expires_in = float(data.get("expires_in") or 7200)
            self.fetches += 1
            self._token = token
            # Early, but never so early that a short lifetime means refreshing on every call.
            self._expires_at = self.clock() + max(expires_in - self.margin, expires_in / 2)
            return token


class AppApi:
    """Calls made with an app's access token; a rejected token is refreshed once, never in a loop."""

    def __init__(self, api: WeComHttp, tokens: AccessTokenCache) -> None:
        self.api = api
        self.tokens = tokens

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async def post_with(token: str) -> dict[str, Any]:
            return await self.api.call("POST", self.api.url(path), params={"access_token": token}, body=body)

        return await self._with_token(post_with)

    async def download(self, path: str, params: dict[str, str], *, max_bytes: int) -> bytes:
        """A file from a GET API (`media/get`), with the same token handling as `post`."""

        async def download_with(token: str) -> bytes:
            query = {"access_token": token, **params}
            return await self.api.download(self.api.url(path), params=query, max_bytes=max_bytes)

        return await self._with_token(download_with)

    async def _with_token(self, call: Callable[[str], Awaitable[T]]) -> T:
        token = await self.tokens.token()
        try:
            return await call(token)
        except WeComApiError as error:
            if error.errcode not in TOKEN_CODES:
                raise
        token = await self.tokens.refresh(stale=token)
        try:
            return await call(token)
        except WeComApiError as error:
            if error.errcode in TOKEN_CODES:
                # A fresh token rejected again: wait before trying (and refreshing) any more.
                raise WeComApiError(str(error), errcode=error.errcode, retry=True, delay=60.0) from None
            raise
