"""WeCom callback crypto (WXBizMsgCrypt) on top of wechatpy, with what wechatpy leaves out:
a constant-time signature check, a timestamp window and a nonce replay cache.

Used by the AI bot (receive id "") and the self-built app (receive id = corp id).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from collections.abc import Callable

from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from gridbot.bot.channels.inbound_checks import Refused, unix_timestamp

TIMESTAMP_WINDOW_SECONDS = 300  # wider than WeCom's retry span (3 retries within seconds)
NONCE_CACHE_SIZE = 10_000


CallbackRejected = Refused  # a callback that must not be processed; `status` is the HTTP answer


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """sha1 of the sorted concatenation of token, timestamp, nonce and the encrypted text."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode("utf-8")).hexdigest()


class ReplayGuard:
    """Refuses timestamps outside ±300 s and a (timestamp, nonce, signature) seen before."""

    def __init__(self, clock: Callable[[], float] = time.time, window: int = TIMESTAMP_WINDOW_SECONDS) -> None:
        self.clock = clock
        self.window = window
        self.seen: OrderedDict[tuple[str, str, str], float] = OrderedDict()

    def check(self, timestamp: str, nonce: str, signed: str) -> bool:
        """True for a new request; False for a replay of one already accepted (a platform retry after our answer
        was lost): it must not be processed again, and answering it 200 stops WeCom from retrying."""
        moment = unix_timestamp(timestamp)  # ASCII digits only: "²" passes str.isdigit() and breaks int()
        now = self.clock()
        if abs(now - moment) > self.window:
            raise CallbackRejected("timestamp outside the window", 403)
        key = (timestamp, nonce, signed)
        if key in self.seen:
            return False
        self.seen[key] = now
        while len(self.seen) > NONCE_CACHE_SIZE or (self.seen and next(iter(self.seen.values())) < now - self.window):
            self.seen.popitem(last=False)
        return True

    def forget(self, timestamp: str, nonce: str, signed: str) -> None:
        """Let the same request through again: it was not stored (database down, 5xx), so WeCom's retry must pass."""
        self.seen.pop((timestamp, nonce, signed), None)


class CallbackCrypto:
    """Verify, decrypt and encrypt callback payloads for one receive id."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.receive_id = receive_id
        self._wechat = WeChatCrypto(token, encoding_aes_key, receive_id)  # validates the key's length

    def verify(self, signed: str, timestamp: str, nonce: str, encrypted: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode("ascii"), signed.encode("ascii", "replace")):
            raise CallbackRejected("bad signature", 403)

    def decrypt(self, encrypted: str) -> str:
        """The plaintext; any malformed input (base64, padding, length, receive id) is a 400."""
        try:
            plaintext = PrpCrypto(self._wechat.key).decrypt(encrypted, self.receive_id)
        except Exception as error:  # binascii.Error, ValueError, struct.error, UnicodeDecodeError, InvalidCorpId…
            raise CallbackRejected(f"cannot decrypt ({type(error).__name__})", 400) from None
        return plaintext.decode("utf-8") if isinstance(plaintext, bytes) else str(plaintext)

    def encrypt(self, plaintext: str, nonce: str, timestamp: str) -> tuple[str, str]:
        """(encrypted, signature) for a passive reply."""
        encrypted = PrpCrypto(self._wechat.key).encrypt(plaintext, self.receive_id)
        text = encrypted.decode("ascii") if isinstance(encrypted, bytes) else str(encrypted)
        return text, signature(self.token, timestamp, nonce, text)
