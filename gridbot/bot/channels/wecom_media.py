"""Fetching the images WeCom messages carry, right after the message is stored.

AI bot (智能机器人): an image (a `msgtype: image` message in a 1:1 chat, or an `image` item of a `mixed` message)
gives a download `url`, valid five minutes, whose content is encrypted: AES-256-CBC with the 32-byte key that is
the base64 decoding of the key text, IV = the key's first 16 bytes, PKCS#7 padding to a multiple of 32 bytes, and
nothing else (no random prefix, length or receive id, unlike the callback's messages). The key text is the image's
own `aeskey` on the long connection (one per link), else the bot's EncodingAESKey (HTTP callback mode).
Checked against the official SDK WecomTeam/aibot-node-sdk: `src/crypto.ts` (`decryptFile`), `src/types/message.ts`
(`ImageContent.url` "五分钟内有效，已加密", `aeskey` "长连接模式下返回，每个下载链接的 aeskey 唯一"), `src/client.ts`
(`downloadFile`); and the official Python demo of the AI-bot docs (developer.work.weixin.qq.com/document/path/101039,
`_process_encrypted_image`: the key is the EncodingAESKey, "与回调加解密相同").

Self-built app (自建应用): an image message carries a `MediaId` (valid three days), fetched with `media/get`
through the app's access token (cached, refreshed once when rejected).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from gridbot.bot.channels.base import MediaUnavailable
from gridbot.bot.channels.wecom_api import AppApi, DownloadTooLarge, WeComApiError, WeComHttp
from gridbot.bot.channels.wecom_app import CHANNEL as APP_CHANNEL
from gridbot.bot.channels.wecom_bot_messages import CHANNEL as BOT_CHANNEL
from gridbot.bot.messages import IncomingImage

PADDING_BLOCK = 32  # WeCom pads to 32 bytes, not AES's 16


def media_key(text: str) -> bytes:
    """The 32-byte AES key from its base64 text (an EncodingAESKey is 43 characters, its final "=" left off)."""
    cleaned = text.strip().rstrip("=").replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except binascii.Error:
        raise ValueError("the key is not base64") from None
    if len(key) != 32:
        raise ValueError(f"the key is {len(key)} bytes, not 32")
    return key


def decrypt_media(data: bytes, key: bytes) -> bytes:
    """AES-256-CBC (IV = the key's first 16 bytes), then the PKCS#7 padding (1–32 bytes) checked and removed."""
    if not data or len(data) % 16:
        raise ValueError(f"{len(data)} bytes is not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= PADDING_BLOCK or pad > len(plain) or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad padding (a wrong key, or not encrypted this way)")
    return plain[:-pad]


class BotMedia:
    """The AI bot's images: download the link, decrypt with the image's key or the bot's EncodingAESKey."""

    source = BOT_CHANNEL

    def __init__(self, api: WeComHttp, encoding_aes_key: str = "") -> None:
        self.api = api
        self._default_key = encoding_aes_key

    async def fetch(self, image: IncomingImage, max_bytes: int) -> bytes:
        if not image.locator.startswith(("https://", "http://")):
            raise MediaUnavailable("no download link")
        key_text = image.key or self._default_key
        if not key_text:
            raise MediaUnavailable("no key: the image has no aeskey and the bot's EncodingAESKey is not configured")
        try:
            key = media_key(key_text)
        except ValueError as error:
            raise MediaUnavailable(f"cannot decrypt: {error}") from None
        try:
            data = await self.api.download(image.locator, max_bytes=max_bytes + PADDING_BLOCK)
        except DownloadTooLarge:
            raise MediaUnavailable(f"larger than {max_bytes} bytes", refused=True) from None
        except WeComApiError as error:
            raise MediaUnavailable(f"download failed ({error}); the link lasts 5 minutes") from None
        try:
            return decrypt_media(data, key)
        except ValueError as error:
            raise MediaUnavailable(f"cannot decrypt: {error}") from None


class AppMedia:
    """The self-built app's images: `media/get?media_id=…` with the app's access token."""

    source = APP_CHANNEL

    def __init__(self, api: AppApi) -> None:
        self.api = api

    async def fetch(self, image: IncomingImage, max_bytes: int) -> bytes:
        if not image.locator:
            raise MediaUnavailable("no MediaId")
        try:
            return await self.api.download("media/get", {"media_id": image.locator}, max_bytes=max_bytes)
        except DownloadTooLarge:
            raise MediaUnavailable(f"larger than {max_bytes} bytes", refused=True) from None
        except WeComApiError as error:
            raise MediaUnavailable(f"media/get failed ({error})") from None
