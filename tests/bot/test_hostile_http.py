"""Hostile input against the real `gridbot serve` application (issue 15): every HTTP entry validates before it parses.

A seeded generator builds requests for each entry (the AI-bot callback, the app callback, the gateway, /healthz,
/metrics and stray paths): valid signed messages, and their mutations one fault at a time (deep nesting, huge
numbers, non-ASCII digits, lone surrogates, NUL, wrong JSON types, missing fields, wrong or malformed signatures,
stale timestamps, replays, oversized bodies, bad XML with entity expansion and external entities). Each case knows
the answer it deserves; every answer must be below 500 and equal to it, and the inbox must hold exactly the valid
signed messages (each once), nothing refused. The default run sends a few hundred cases per entry; the long run
(`-m reliability`, docs/operations.md) sends 10,000 and prints its figures.

Encryption is wechatpy's own and signatures are computed here, never by the code under test.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto

from gridbot.bot.channels.base import MessageRefused
from gridbot.bot.channels.gateway import SIGNATURE_HEADER, TIMESTAMP_HEADER
from gridbot.bot.channels.inbound_checks import TEXT_MAX
from gridbot.bot.ingest import Ingestor
from gridbot.bot.messages import IncomingMessage
from gridbot.bot.server import build_app
from gridbot.clock import SystemClock
from gridbot.settings import Settings
from gridbot.storage.models import InboxMessage
from tests.fakes.wecom_server import FakeWeCom

BOT_TOKEN = "BotToken123"
APP_TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
SECRET = "gateway-secret"
MAX_BODY = 200_000  # room for 50,000 "[" and for a message of TEXT_MAX characters; oversize cases go beyond
DEEP = 50_000


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    server = FakeWeCom()
    await server.start()
    yield server
    await server.close()


# ---- requests ---------------------------------------------------------------------------------------------------


@dataclass
class Case:
    """One request and the answer it deserves (`status`; None: anything below 500)."""

    label: str
    method: str
    path: str
    query: dict[str, str] | None = None  # None: `path` carries its own (already encoded) query
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    status: int | None = 200
    stores: tuple[str, str] | None = None  # the (channel, message id) a new inbox row gets
    receipt_time: bool = False  # stored with the time of receipt: its claimed time is out of range
    chunked: bool = False


def wecom_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode("utf-8")).hexdigest()


def seal(token: str, receive_id: str, plaintext: str | bytes) -> str:
    """The encrypted text of a callback, by wechatpy."""
    key = WeChatCrypto(token, AES_KEY, receive_id).key
    encrypted = PrpCrypto(key).encrypt(plaintext, receive_id)
    return encrypted.decode("ascii") if isinstance(encrypted, bytes) else str(encrypted)


def gateway_signature(timestamp: str, body: bytes, secret: str = SECRET) -> str:
    return hmac.new(
        secret.encode(), timestamp.encode("utf-8", "surrogatepass") + b"." + body, hashlib.sha256
    ).hexdigest()


def bot_wrap(encrypted: str) -> bytes:
    return json.dumps({"encrypt": encrypted}).encode()


def app_wrap(encrypted: str) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    )


def laughs(inner: str) -> str:
    """The "billion laughs": ten levels of ten references each."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return f'<?xml version="1.0"?><!DOCTYPE xml [{"".join(entities)}]><xml>{inner.replace("@", "&lol9;")}</xml>'


XXE = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
NON_ASCII_DIGITS = ["²", "١٢٣٤٥٦٧٨٩٠", "１７００００００００", "߁߂߃", "𝟏𝟕𝟎𝟎"]


class Hostile:
    """Seeded generator of cases; remembers the valid ones it made, for replays and duplicates."""

    def __init__(self, seed: int, fake_base: str) -> None:
        self.rng = random.Random(seed)
        self.base = fake_base
        self.serial = itertools.count(1)
        self.recent: dict[str, list[Case]] = {"bot": [], "app": [], "gateway": []}

    # -- shared pieces --

    def nonce(self) -> str:
        return f"n{next(self.serial)}x{self.rng.randrange(10**9)}"

    def now(self) -> str:
        return str(int(time.time()))

    def msgid(self, prefix: str) -> str:
        return f"{prefix}{next(self.serial)}-{self.rng.randrange(10**6)}"

    def numeric_msgid(self) -> str:
        """The app's MsgId: a 64-bit number."""
        return f"{next(self.serial)}{self.rng.randrange(10**12):012d}"

    def text(self, xml: bool = False) -> str:
        """Valid text: CJK, emoji (astral), combining marks, zero-width and RTL marks, digits of other scripts,
        commands; sometimes exactly the longest allowed."""
        pools = [
            (0x4E00, 0x9FFF),
            (0x1F300, 0x1FAFF),
            (0x0300, 0x036F),
            (0x200B, 0x200F),
            (0x0590, 0x05FF),
            (0x0660, 0x0669),
            (0x20, 0x7E),
            (0xFF10, 0xFF19),
        ]
        roll = self.rng.random()
        if roll < 0.03:
            size = TEXT_MAX
        elif roll < 0.1:
            size = self.rng.randrange(500, 4000)
        else:
            size = self.rng.randrange(0, 80)
        chars = []
        for _ in range(size):
            low, high = self.rng.choice(pools)
            chars.append(chr(self.rng.randint(low, high)))
        if not xml and self.rng.random() < 0.2:
            chars.append(self.rng.choice(["\t", "\n", "\r", "²", "\u2028", "\ufeff"]))
        prefix = self.rng.choice(["", "#上报 ", "查询 E1 ", "签收 E12 ", "@小网 "])
        return (prefix + "".join(chars))[:TEXT_MAX]

    def remember(self, endpoint: str, case: Case) -> Case:
        self.recent[endpoint] = [*self.recent[endpoint][-19:], case]
        return case

    def replay(self, endpoint: str) -> Case | None:
        if not self.recent[endpoint]:
            return None
        first = self.rng.choice(self.recent[endpoint])
        return replace(first, label=f"{endpoint}: replay", stores=None, receipt_time=False)

    # -- the WeCom callbacks --

    def wecom(
        self,
        path: str,
        token: str,
        receive_id: str,
        plaintext: str | bytes,
        wrap: Callable[[str], bytes],
        *,
        label: str,
        status: int,
        stores: tuple[str, str] | None = None,
        receipt_time: bool = False,
        timestamp: str | None = None,
        nonce: str | None = None,
    ) -> Case:
        timestamp = self.now() if timestamp is None else timestamp
        nonce = self.nonce() if nonce is None else nonce
        encrypted = seal(token, receive_id, plaintext)
        query = {
            "msg_signature": wecom_signature(token, timestamp, nonce, encrypted),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        return Case(label, "POST", path, query, {}, wrap(encrypted), status, stores, receipt_time)

    def query_faults(self, case: Case) -> Case:
        """A signed request whose query is wrong in one way (the signature recomputed where it is not the fault)."""
        assert case.query is not None and case.body is not None
        query = dict(case.query)
        encrypted = self.encrypted_of(case)
        token = BOT_TOKEN if case.path == "/wecom/bot" else APP_TOKEN

        def resigned(**changes: str) -> dict[str, str]:
            new = {**query, **changes}
            new["msg_signature"] = wecom_signature(token, new["timestamp"], new["nonce"], encrypted)
            return new

        now = int(time.time())
        choices: list[tuple[str, dict[str, str], int]] = [
            ("non-ASCII digits", resigned(timestamp=self.rng.choice(NON_ASCII_DIGITS)), 400),
            ("5,000 digits", resigned(timestamp="9" * 5000), 400),
            ("13 digits", resigned(timestamp="1" + "0" * 12), 400),
            ("negative", resigned(timestamp=str(-now)), 400),
            ("fraction", resigned(timestamp=f"{now}.5"), 400),
            ("spaces", resigned(timestamp=f" {now}"), 400),
            ("hex", resigned(timestamp="0x10"), 400),
            ("stale", resigned(timestamp=str(now - 3600)), 403),
            ("future", resigned(timestamp=str(now + 3600)), 403),
            ("zero", resigned(timestamp="0"), 403),
            ("nonce too long", resigned(nonce="n" * 65), 400),
            ("nonce with a space", resigned(nonce="a b"), 400),
            ("nonce not ASCII", resigned(nonce="随机"), 400),
            ("no nonce", {k: v for k, v in query.items() if k != "nonce"}, 400),
            ("no signature", {k: v for k, v in query.items() if k != "msg_signature"}, 400),
            ("no timestamp", {k: v for k, v in query.items() if k != "timestamp"}, 400),
            ("wrong signature", {**query, "msg_signature": f"{self.rng.getrandbits(160):040x}"}, 403),
            ("upper-case signature", {**query, "msg_signature": query["msg_signature"].upper()}, 403),
            ("short signature", {**query, "msg_signature": query["msg_signature"][:39]}, 403),
            ("non-hex signature", {**query, "msg_signature": "z" * 40}, 403),
            ("unicode signature", {**query, "msg_signature": "é" * 40}, 403),
            ("signature of another nonce", {**query, "nonce": self.nonce()}, 403),
        ]
        label, new_query, status = self.rng.choice(choices)
        return replace(case, label=f"{case.label} / query: {label}", query=new_query, status=status, stores=None)

    @staticmethod
    def encrypted_of(case: Case) -> str:
        assert case.body is not None
        if case.path == "/wecom/bot":
            return str(json.loads(case.body)["encrypt"])
        text = case.body.decode()
        return text.split("<Encrypt><![CDATA[")[1].split("]]>")[0]

    def raw_query(self, path: str, body: bytes) -> Case:
        """Percent-escapes that are not UTF-8 (a lone surrogate, 0xFF), NUL, duplicated keys."""
        signature = "a" * 40
        raw, status = self.rng.choice(
            [
                ("msg_signature=%ff&timestamp=%ff&nonce=%ff", 400),
                (f"msg_signature={signature}&timestamp=%ED%A0%80&nonce=n", 400),
                (f"msg_signature={signature}&timestamp=%00{self.now()}&nonce=n", 400),
                (f"msg_signature={signature}&timestamp={self.now()}&timestamp=%C2%B2&nonce=n", 403),  # the first
                (f"msg_signature={signature}&timestamp={self.now()}&nonce=%00", 400),
                (f"msg_signature=%ED%A0%80&timestamp={self.now()}&nonce=n", 403),
            ]
        )
        return Case(f"{path}: raw query {raw[:30]}", "POST", f"{path}?{raw}", None, {}, body, status)

    def oversize(self, path: str, headers: dict[str, str] | None = None) -> Case:
        size = MAX_BODY + self.rng.randrange(1, 50_000)
        chunked = self.rng.random() < 0.3
        body = self.rng.randbytes(size) if self.rng.random() < 0.5 else b"[" * size
        return Case(
            f"{path}: oversize{' chunked' if chunked else ''}",
            "POST",
            path,
            None,
            headers or {},
            body,
            413,
            chunked=chunked,
        )

    # -- the AI bot --

    def bot_message(self, msgid: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "msgid": msgid,
            "aibotid": "AIBOT1",
            "chatid": "CHAT-H",
            "chattype": "group",
            "from": {"userid": self.rng.choice(["liuyang", "zhangsan", "u" * 64, "wangfang@x"])},
            "response_url": f"{self.base}/cgi-bin/aibot/response?response_code=RC-{msgid}",
            "msgtype": "text",
            "text": {"content": ("@小网 " + self.text())[:TEXT_MAX]},
        }
        shape = self.rng.random()
        if shape < 0.15:
            body["chattype"] = "single"
            del body["chatid"]
        elif shape < 0.3:
            del body["text"]
            body["msgtype"] = "mixed"
            body["mixed"] = {
                "msg_item": [
                    {"msgtype": "text", "text": {"content": ("@小网 " + self.text())[:TEXT_MAX]}},
                    {"msgtype": "image", "image": {"url": f"{self.base}/aibot/file/gone-{msgid}"}},
                ]
            }
        elif shape < 0.4:
            del body["text"]
            body |= {"msgtype": "voice", "voice": {"content": self.text()}}
        elif shape < 0.5:
            body["quote"] = {"msgtype": "text", "text": {"content": self.text()}}
        elif shape < 0.55:
            del body["text"]
            body |= {
                "msgtype": "event",
                "event": {
                    "eventtype": "template_card_event",
                    "template_card_event": {"event_key": "签收 E1", "task_id": f"T{msgid}"},
                },
            }
        elif shape < 0.65:  # unknown fields are ignored, however odd (within the parser's depth)
            body["extra"] = self.rng.choice(
                [json.loads("[" * 150 + "]" * 150), {"数字": 1e300, "big": 10**100}, None, ["x"] * 100]
            )
        return body

    def bot(self) -> Case:
        def signed(plain: str | bytes, label: str, status: int, stores: tuple[str, str] | None = None) -> Case:
            return self.wecom("/wecom/bot", BOT_TOKEN, "", plain, bot_wrap, label=label, status=status, stores=stores)

        roll = self.rng.random()
        if roll < 0.3:
            msgid = self.msgid("b")
            plain = json.dumps(self.bot_message(msgid), ensure_ascii=self.rng.random() < 0.5)
            return self.remember("bot", signed(plain, "bot: valid", 200, ("wecom_bot", msgid)))
        if roll < 0.34:
            return self.replay("bot") or self.bot()
        if roll < 0.37 and self.recent["bot"]:
            previous = self.rng.choice(self.recent["bot"])
            assert previous.stores is not None
            body = self.bot_message(previous.stores[1])
            return signed(json.dumps(body, ensure_ascii=False), "bot: duplicate msgid", 200)
        if roll < 0.42:
            event = {"msgid": self.msgid("e"), "from": {"userid": "zhangsan"}, "msgtype": "event"}
            event["event"] = {"eventtype": self.rng.choice(["enter_chat", "feedback_event", "x" * 200])}
            kind = self.rng.choice(["event", "stream", "file", "image-without-url"])
            if kind == "stream":
                event = {"msgid": self.msgid("s"), "msgtype": "stream", "stream": {"id": "S1"}}
            elif kind == "file":
                event = {**self.bot_message(self.msgid("f")), "msgtype": "file", "file": {"url": "x"}}
            elif kind == "image-without-url":
                event = {**self.bot_message(self.msgid("i")), "msgtype": "image", "image": {}}
            return signed(json.dumps(event), f"bot: acknowledged {kind}", 200)
        if roll < 0.65:
            return self.bot_malformed(signed)
        if roll < 0.8:
            msgid = self.msgid("b")
            valid = signed(json.dumps(self.bot_message(msgid)), "bot", 200, ("wecom_bot", msgid))
            return self.query_faults(valid)
        if roll < 0.93:
            return self.bot_envelope_faults()
        if roll < 0.96:
            return self.raw_query("/wecom/bot", b'{"encrypt": "abc"}')
        return self.oversize("/wecom/bot")

    def bot_malformed(self, signed: Callable[..., Case]) -> Case:
        """Signed, encrypted, and wrong inside: 400, nothing stored."""
        msgid = self.msgid("x")
        good = self.bot_message(msgid)
        good["msgtype"], good["text"] = "text", {"content": "有效文字"}
        for other in ("voice", "mixed", "event", "quote", "extra"):
            good.pop(other, None)
        if "chatid" not in good:
            good |= {"chattype": "group", "chatid": "CHAT-H"}

        def variant(**changes: Any) -> str:
            body = {**good, **changes}
            return json.dumps({k: v for k, v in body.items() if v is not DROP}, ensure_ascii=True)

        long_mixed = {"msg_item": [{"msgtype": "text", "text": {"content": "x"}}] * 101}
        plaintexts: list[tuple[str, str | bytes]] = [
            ("not JSON", "not json at all"),
            ("deep nesting", "[" * DEEP),
            ("deep object", '{"a":' * (DEEP // 5)),
            ("deep inside a field", variant(text={"content": json.loads("[" * 190 + "]" * 190)})),
            ("array", "[1, 2, 3]"),
            ("string", '"text"'),
            ("no msgid", variant(msgid=DROP)),
            ("empty msgid", variant(msgid="")),
            ("long msgid", variant(msgid="m" * 129)),
            ("msgid a number", variant(msgid=12345)),
            ("no sender", variant(**{"from": DROP})),
            ("sender None", variant(**{"from": {"userid": None}})),
            ("sender a number", variant(**{"from": {"userid": 42}})),
            ("sender a string", variant(**{"from": "liuyang"})),
            ("sender empty", variant(**{"from": {}})),
            ("content a number", variant(text={"content": 7})),
            ("content an object", variant(text={"content": {"a": 1}})),
            ("lone surrogate", variant(text={"content": "坏\ud800字"})),
            ("lone low surrogate in sender", variant(**{"from": {"userid": "\udc00"}})),
            ("NUL", variant(text={"content": "a\x00b"})),
            ("text too long", variant(text={"content": "长" * (TEXT_MAX + 1)})),
            ("group without chatid", variant(chatid=DROP)),
            ("chatid None", variant(chatid=None)),
            ("no msgtype", variant(msgtype=DROP)),
            ("msgtype a number", variant(msgtype=5)),
            ("too many items", variant(msgtype="mixed", mixed=long_mixed)),
            ("long response_url", variant(response_url="https://x/" + "a" * 5000)),
            ("huge number", variant()[:-1] + ', "n": ' + "9" * 5000 + "}"),
            ("NaN content", variant(text={"content": None}).replace('"content": null', '"content": NaN')),
            ("not UTF-8", b'{"msgid": "\xff\xfe", "msgtype": "text"}'),
        ]
        label, plain = self.rng.choice(plaintexts)
        return signed(plain, f"bot: signed but {label}", 400)

    def bot_envelope_faults(self) -> Case:
        """The envelope is wrong: refused before (or by) the signature."""
        plain = json.dumps(self.bot_message(self.msgid("b")))
        timestamp, nonce = self.now(), self.nonce()
        encrypted = seal(BOT_TOKEN, "", plain)
        query = {
            "msg_signature": wecom_signature(BOT_TOKEN, timestamp, nonce, encrypted),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        choices: list[tuple[str, bytes, int]] = [
            ("deep nesting", b"[" * DEEP, 400),
            (
                "deep before encrypt",
                b'{"x": ' + b"[" * DEEP + b"]" * DEEP + b', "encrypt": "' + encrypted.encode() + b'"}',
                400,
            ),
            ("encrypt a number", b'{"encrypt": 5}', 400),
            ("encrypt null", b'{"encrypt": null}', 400),
            ("encrypt empty", b'{"encrypt": ""}', 400),
            ("encrypt a list", b'{"encrypt": ["a"]}', 400),
            ("encrypt not base64", b'{"encrypt": "not*base64!"}', 400),
            ("encrypt a lone surrogate", b'{"encrypt": "\\ud800"}', 400),
            ("unsigned base64", b'{"encrypt": "abc"}', 403),
            ("not JSON", self.rng.randbytes(self.rng.randrange(0, 300)), 400),
            ("empty", b"", 400),
            ("not UTF-8", b'{"encrypt": "\xff"}', 400),
            ("huge number", b'{"n": ' + b"9" * 5000 + b', "encrypt": "' + encrypted.encode() + b'"}', 400),
            ("array", b"[" + json.dumps({"encrypt": encrypted}).encode() + b"]", 400),
        ]
        label, body, status = self.rng.choice(choices)
        return Case(f"bot: envelope {label}", "POST", "/wecom/bot", query, {}, body, status)

    # -- the self-built app --

    def app_xml(self, msgid: str, kind: str = "", created: str | None = None) -> str:
        kind = kind or self.rng.choice(["text", "text", "image", "location"])
        fields = {
            "text": f"<Content>{escape(self.text(xml=True))}</Content>",
            "image": f"<PicUrl><![CDATA[{self.base}/p]]></PicUrl><MediaId><![CDATA[M-{msgid}]]></MediaId>",
            "location": f"<Location_X>{self.rng.uniform(-90, 90):.6f}</Location_X>"
            f"<Location_Y>{self.rng.uniform(-180, 180):.6f}</Location_Y><Scale>15</Scale>"
            f"<Label><![CDATA[{escape(self.text(xml=True)[:200])}]]></Label>",
        }[kind]
        return (
            f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
            f"<CreateTime>{created or self.now()}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{fields}"
            f"<MsgId>{msgid}</MsgId><AgentID>1000002</AgentID></xml>"
        )

    def app(self) -> Case:
        def signed(
            plain: str | bytes, label: str, status: int, stores: tuple[str, str] | None = None, receipt: bool = False
        ) -> Case:
            return self.wecom(
                "/wecom/app",
                APP_TOKEN,
                CORP_ID,
                plain,
                app_wrap,
                label=label,
                status=status,
                stores=stores,
                receipt_time=receipt,
            )

        roll = self.rng.random()
        if roll < 0.3:
            msgid = self.numeric_msgid()
            return self.remember("app", signed(self.app_xml(msgid), "app: valid", 200, ("wecom_app", msgid)))
        if roll < 0.33:
            msgid = self.numeric_msgid()
            created = self.rng.choice(["0", "946684799", "999999999999", str(int(time.time()) + 3 * 86400)])
            plain = self.app_xml(msgid, created=created)
            return signed(plain, f"app: CreateTime {created}", 200, ("wecom_app", msgid), receipt=True)
        if roll < 0.36:
            return self.replay("app") or self.app()
        if roll < 0.4:
            kind = self.rng.choice(["event", "voice", "video", "file"])
            plain = self.app_xml(self.numeric_msgid()).replace(
                "<MsgType><![CDATA[text]]>", f"<MsgType><![CDATA[{kind}]]>"
            )
            plain = plain.replace("<MsgType><![CDATA[image]]>", f"<MsgType><![CDATA[{kind}]]>")
            plain = plain.replace("<MsgType><![CDATA[location]]>", f"<MsgType><![CDATA[{kind}]]>")
            return signed(plain, f"app: acknowledged {kind}", 200)
        if roll < 0.62:
            return self.app_malformed(signed)
        if roll < 0.77:
            msgid = self.numeric_msgid()
            return self.query_faults(signed(self.app_xml(msgid), "app", 200, ("wecom_app", msgid)))
        if roll < 0.93:
            return self.app_envelope_faults()
        if roll < 0.96:
            return self.raw_query("/wecom/app", b"<xml><Encrypt>abc</Encrypt></xml>")
        return self.oversize("/wecom/app")

    def app_malformed(self, signed: Callable[..., Case]) -> Case:
        msgid = self.numeric_msgid()
        text = self.app_xml(msgid, "text")
        image = self.app_xml(msgid, "image")
        location = self.app_xml(msgid, "location")

        def without(xml: str, tag: str) -> str:
            start, end = xml.index(f"<{tag}>"), xml.index(f"</{tag}>") + len(f"</{tag}>")
            return xml[:start] + xml[end:]

        def swap(xml: str, tag: str, value: str) -> str:
            return without(xml, tag).replace("</xml>", f"<{tag}>{value}</{tag}></xml>")

        choices: list[tuple[str, str | bytes]] = [
            ("no sender", without(text, "FromUserName")),
            ("empty sender", swap(text, "FromUserName", "")),
            ("repeated sender", text.replace("</xml>", "<FromUserName>lisi</FromUserName></xml>")),
            ("no MsgId", without(text, "MsgId")),
            ("no CreateTime", without(text, "CreateTime")),
            ("CreateTime in non-ASCII digits", swap(text, "CreateTime", self.rng.choice(NON_ASCII_DIGITS))),
            ("CreateTime of 13 digits", swap(text, "CreateTime", "9" * 13)),
            ("CreateTime of 5,000 digits", swap(text, "CreateTime", "9" * 5000)),
            ("CreateTime negative", swap(text, "CreateTime", "-5")),
            ("no Content", without(text, "Content")),
            ("Content too long", swap(text, "Content", "长" * (TEXT_MAX + 1))),
            ("Content with an element", swap(text, "Content", "<b>粗</b>")),
            ("control character", swap(text, "Content", "a\x01b")),
            ("character reference to a surrogate", swap(text, "Content", "&#xD800;")),
            ("character reference to NUL", swap(text, "Content", "&#0;")),
            ("image without MediaId", without(image, "MediaId")),
            ("location without Location_X", without(location, "Location_X")),
            ("latitude nan", swap(location, "Location_X", "nan")),
            ("latitude 1e999", swap(location, "Location_X", "1e999")),
            ("latitude 999", swap(location, "Location_X", "999")),
            ("latitude of 5,000 digits", swap(location, "Location_X", "9" * 5000)),
            ("billion laughs", laughs(without(text, "Content")[5:-6] + "<Content>@</Content>")),
            ("external entity", XXE + text.replace("<Content>", "<Content>&xxe;")),
            ("deep nesting", "<xml>" + "<a>" * (DEEP // 5) + "</a>" * (DEEP // 5) + "</xml>"),
            ("unclosed", text[:-6]),
            ("another root", text.replace("<xml>", "<root>").replace("</xml>", "</root>")),
            ("not XML", "not xml"),
            ("not UTF-8", text.encode().replace(b"zhangsan", b"\xff\xfe")),
            ("long sender", swap(text, "FromUserName", "u" * 129)),
        ]
        label, plain = self.rng.choice(choices)
        return signed(plain, f"app: signed but {label}", 400)

    def app_envelope_faults(self) -> Case:
        msgid = self.numeric_msgid()
        plain = self.app_xml(msgid)
        timestamp, nonce = self.now(), self.nonce()
        encrypted = seal(APP_TOKEN, CORP_ID, plain)
        query = {
            "msg_signature": wecom_signature(APP_TOKEN, timestamp, nonce, encrypted),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        good = f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        choices: list[tuple[str, str | bytes, int]] = [
            ("billion laughs", laughs("<Encrypt>@</Encrypt>"), 400),
            ("billion laughs around a good Encrypt", laughs(good + "<X>@</X>"), 400),
            ("external entity", XXE + "<xml><Encrypt>&xxe;</Encrypt></xml>", 400),
            ("parameter entity", '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]><xml/>', 400),
            ("deep nesting", "<xml>" + "<a>" * DEEP, 400),
            ("deep nesting before Encrypt", "<xml>" + "<a>" * 20 + "</a>" * 20 + good + "</xml>", 400),
            ("no Encrypt", "<xml><ToUserName>x</ToUserName></xml>", 400),
            ("empty Encrypt", "<xml><Encrypt></Encrypt></xml>", 400),
            ("Encrypt twice", f"<xml>{good}{good}</xml>", 400),
            ("another root", f"<root>{good}</root>", 400),
            ("not XML", self.rng.randbytes(self.rng.randrange(1, 300)), 400),
            ("empty", b"", 400),
            ("JSON", json.dumps({"encrypt": encrypted}), 400),
            ("entity in Encrypt", "<xml><Encrypt>a&amp;b</Encrypt></xml>", 400),
            ("unsigned base64", "<xml><Encrypt>abcd</Encrypt></xml>", 403),
            ("GBK declared", f'<?xml version="1.0" encoding="GBK"?><xml>{good}</xml>', 400),
            ("too many elements", "<xml>" + "<a>x</a>" * 600 + good + "</xml>", 400),
        ]
        label, body, status = self.rng.choice(choices)
        raw = body.encode() if isinstance(body, str) else body
        return Case(f"app: envelope {label}", "POST", "/wecom/app", query, {}, raw, status)

    # -- the gateway --

    def gateway_body(self, msgid: str) -> dict[str, Any]:
        body: dict[str, Any] = {"message_id": msgid, "room": "room-1", "sender": "liuyang", "text": self.text()}
        shape = self.rng.random()
        if shape < 0.1:
            body |= {"direct": True}
            del body["room"]
        elif shape < 0.2:
            body |= {"kind": "image", "image_url": f"{self.base}/img", "media_id": "M1", "text": None}
        elif shape < 0.3:
            body |= {
                "kind": "location",
                "lat": self.rng.uniform(-90, 90),
                "lng": self.rng.randint(-180, 180),
                "label": "菜场",
            }
        elif shape < 0.45:
            body["sent_at"] = self.rng.choice(
                ["2026-04-03T09:00:00+08:00", "2025-01-01", datetime.now(UTC).isoformat(), ""]
            )
        elif shape < 0.5:
            body["extra"] = self.rng.choice([json.loads("[" * 150 + "]" * 150), {"n": 1e300}, "x" * 1000])
        return body

    def gateway_request(
        self,
        body: bytes,
        label: str,
        status: int,
        stores: tuple[str, str] | None = None,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        receipt: bool = False,
    ) -> Case:
        timestamp = self.now() if timestamp is None else timestamp
        headers = {TIMESTAMP_HEADER: timestamp, "Content-Type": "application/json"}
        headers[SIGNATURE_HEADER] = gateway_signature(timestamp, body) if signature is None else signature
        return Case(label, "POST", "/gateway/messages", None, headers, body, status, stores, receipt)

    def gateway(self) -> Case:
        roll = self.rng.random()
        if roll < 0.3:
            msgid = self.msgid("g")
            body = json.dumps(self.gateway_body(msgid), ensure_ascii=self.rng.random() < 0.5).encode()
            return self.remember("gateway", self.gateway_request(body, "gateway: valid", 200, ("gateway", msgid)))
        if roll < 0.35:
            msgid = self.msgid("g")
            sent_at = self.rng.choice(
                [
                    "9999-12-31T23:59:59-12:00",
                    "0001-01-01T00:00:00+14:00",
                    "1999-12-31T23:59:59+08:00",
                    "2999-01-01",
                    (datetime.now(UTC) + timedelta(days=2)).isoformat(),
                ]
            )
            body = json.dumps({**self.gateway_body(msgid), "sent_at": sent_at}).encode()
            return self.gateway_request(body, f"gateway: sent_at {sent_at}", 200, ("gateway", msgid), receipt=True)
        if roll < 0.4:
            return self.replay("gateway") or self.gateway()
        if roll < 0.65:
            return self.gateway_malformed()
        if roll < 0.9:
            return self.gateway_header_faults()
        return self.oversize("/gateway/messages", {TIMESTAMP_HEADER: self.now(), SIGNATURE_HEADER: "0" * 64})

    def gateway_malformed(self) -> Case:
        good = self.gateway_body(self.msgid("g"))
        good["kind"] = "text"
        good["text"] = "有效"
        good.pop("direct", None)
        good["room"] = "room-1"

        def variant(**changes: Any) -> bytes:
            body = {**good, **changes}
            return json.dumps({k: v for k, v in body.items() if v is not DROP}).encode()

        choices: list[tuple[str, bytes]] = [
            ("deep nesting", b"[" * DEEP),
            ("deep object", b'{"a":' * (DEEP // 5)),
            ("deep in a field", variant(text=json.loads("[" * 190 + "]" * 190))),
            ("not JSON", b"<xml/>"),
            ("array", b"[1]"),
            ("empty", b""),
            ("not UTF-8", b'{"message_id": "\xff", "room": "r", "sender": "s"}'),
            ("lone surrogate", variant(text="坏\ud800")),
            ("lone surrogate in sender", variant(sender="\udfff")),
            ("NUL", variant(text="a\x00b")),
            ("NUL in room", variant(room="r\x00")),
            ("text too long", variant(text="长" * (TEXT_MAX + 1))),
            ("no sender", variant(sender=DROP)),
            ("sender None", variant(sender=None)),
            ("sender a number", variant(sender=5)),
            ("sender empty", variant(sender="")),
            ("no message_id", variant(message_id=DROP)),
            ("message_id a number", variant(message_id=12)),
            ("message_id too long", variant(message_id="m" * 129)),
            ("no room", variant(room=DROP)),
            ("room None", variant(room=None)),
            ("text a number", variant(text=1)),
            ("text a list", variant(text=["a"])),
            ("unknown kind", variant(kind="video")),
            ("direct a string", variant(direct="yes")),
            ("direct a number", variant(direct=1)),
            ("latitude 91", variant(kind="location", lat=91.0, lng=0)),
            ("latitude a string", variant(kind="location", lat="30", lng=0)),
            ("latitude NaN", variant(kind="location", lng=0)[:-1] + b', "lat": NaN}'),
            ("latitude Infinity", variant(kind="location", lng=0)[:-1] + b', "lat": Infinity}'),
            ("latitude 1e400", variant(kind="location", lng=0)[:-1] + b', "lat": 1e400}'),
            ("latitude of 5,000 digits", variant(kind="location", lng=0)[:-1] + b', "lat": ' + b"9" * 5000 + b"}"),
            ("huge number anywhere", variant()[:-1] + b', "n": ' + b"9" * 5000 + b"}"),
            ("label too long", variant(label="l" * 300)),
            ("sent_at not a time", variant(sent_at="yesterday")),
            ("sent_at a number", variant(sent_at=1700000000)),
            ("sent_at too long", variant(sent_at="2026-01-01T00:00:00" + "0" * 100)),
            ("sent_at offset of a day", variant(sent_at="2026-01-01T00:00:00+24:00")),
        ]
        label, body = self.rng.choice(choices)
        return self.gateway_request(body, f"gateway: {label}", 400)

    def gateway_header_faults(self) -> Case:
        msgid = self.msgid("g")
        body = json.dumps(self.gateway_body(msgid)).encode()
        now = int(time.time())

        def signed_at(timestamp: str, label: str, status: int) -> Case:
            return self.gateway_request(body, f"gateway: timestamp {label}", status, timestamp=timestamp)

        choices: list[Callable[[], Case]] = [
            lambda: signed_at(self.rng.choice(NON_ASCII_DIGITS), "non-ASCII digits", 400),
            lambda: signed_at("9" * 5000, "of 5,000 digits", 400),
            lambda: signed_at("-1", "negative", 400),
            lambda: signed_at(f"{now}.0", "a fraction", 400),
            lambda: signed_at("", "missing", 400),
            lambda: signed_at(str(now - 3600), "stale", 403),
            lambda: signed_at(str(now + 3600), "ahead", 403),
            lambda: self.gateway_request(
                body, "gateway: wrong secret", 403, signature=gateway_signature(str(now), body, "wrong")
            ),
            lambda: self.gateway_request(
                body,
                "gateway: upper-case signature",
                403,
                signature=gateway_signature(str(now), body).upper(),
                timestamp=str(now),
            ),
            lambda: self.gateway_request(body, "gateway: no signature", 403, signature=""),
            lambda: self.gateway_request(body, "gateway: short signature", 403, signature="ab" * 10),
            lambda: self.gateway_request(
                body,
                "gateway: signature of another body",
                403,
                signature=gateway_signature(str(now), body + b" "),
                timestamp=str(now),
            ),
        ]
        return self.rng.choice(choices)()

    # -- the rest --

    def misc(self) -> Case:
        method = self.rng.choice(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
        path = self.rng.choice(
            [
                "/healthz",
                "/metrics",
                "/",
                "/wecom",
                "/wecom/bot/x",
                "/gateway",
                "/%ff",
                "/../etc/passwd",
                "/" + "a" * 3000,
            ]
        )
        query = self.rng.choice(["", "?x=%ff", "?a=" + "b" * 4000, "?%00=%00", "?timestamp=²"])
        body = self.rng.randbytes(self.rng.randrange(0, 2000)) if method not in ("GET", "HEAD") else None
        return Case(f"misc: {method} {path[:20]}{query[:10]}", method, path + query, None, {}, body, None)

    def wecom_get(self) -> Case:
        """URL verification: the same query checks, an echostr that is not base64 or too long."""
        path, token, receive_id = self.rng.choice([("/wecom/bot", BOT_TOKEN, ""), ("/wecom/app", APP_TOKEN, CORP_ID)])
        timestamp, nonce = self.now(), self.nonce()
        echostr = seal(token, receive_id, f"echo-{self.rng.randrange(10**6)}")
        roll = self.rng.random()
        status = 200
        if roll < 0.3:
            echostr, status = self.rng.choice([("x" * 5000, 400), ("é", 400), ("abc", 403), ("", 400)])
        elif roll < 0.5:
            timestamp, status = self.rng.choice(NON_ASCII_DIGITS), 400
        query = {
            "msg_signature": wecom_signature(token, timestamp, nonce, echostr),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": echostr,
        }
        if status == 403:
            query["msg_signature"] = "0" * 40
        return Case(f"{path}: GET verification", "GET", path, query, {}, None, status)


DROP = object()  # a field left out of a variant


# ---- running ----------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    expected_rows: set[tuple[str, str]] = field(default_factory=set)
    receipt_time: set[tuple[str, str]] = field(default_factory=set)
    rows: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        by_class = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        return (
            f"{self.requests} requests in {self.seconds:.0f} s: "
            + ", ".join(f"{key} {value}" for key, value in sorted(by_class.items()))
            + f"; statuses {dict(sorted(self.statuses.items()))}; inbox rows {self.rows}"
            + f" (valid signed messages {len(self.expected_rows)}); wrong answers {len(self.wrong)}"
        )


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 16_384):
        yield body[start : start + 16_384]


async def send(client: TestClient[Any, Any], case: Case) -> tuple[int, str]:
    data: Any = _chunks(case.body) if case.chunked and case.body is not None else case.body
    async with client.request(case.method, case.path, params=case.query, data=data, headers=case.headers) as response:
        return response.status, (await response.read())[:300].decode("utf-8", "replace")


async def hostile_run(engine: Engine, fake: FakeWeCom, generators: list[tuple[str, int]], seed: int) -> Outcome:
    """Send `count` cases from each named generator, interleaved, against the whole application."""
    settings = Settings(
        wecom_api_base=fake.base_url,
        wecom_bot_token=BOT_TOKEN,
        wecom_bot_aes_key=AES_KEY,
        wecom_bot_name="小网",
        wecom_corp_id=CORP_ID,
        wecom_app_token=APP_TOKEN,
        wecom_app_aes_key=AES_KEY,
        gateway_secret=SECRET,
        max_body_bytes=MAX_BODY,
    )
    hostile = Hostile(seed, fake.base_url)
    plan = [name for name, count in generators for _ in range(count)]
    hostile.rng.shuffle(plan)
    outcome = Outcome()
    started = time.monotonic()
    app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        for name in plan:
            case: Case = getattr(hostile, name)()
            status, answer = await send(client, case)
            outcome.requests += 1
            outcome.statuses[status] += 1
            expected_ok = status < 500 and (case.status is None or status == case.status)
            if not expected_ok:
                outcome.wrong.append(f"{case.label}: {status} (expected {case.status}) {answer[:80]!r}")
            if status == 200 and case.stores is not None:
                outcome.expected_rows.add(case.stores)
                if case.receipt_time:
                    outcome.receipt_time.add(case.stores)
            if status >= 400 and ("Traceback" in answer or len(answer) > 200):
                outcome.wrong.append(f"{case.label}: a long or traced refusal {answer[:80]!r}")
    finally:
        await client.close()  # drains the inbox worker
    outcome.seconds = time.monotonic() - started
    with Session(engine) as session:
        rows = session.exec(select(InboxMessage)).all()
    outcome.rows = len(rows)
    stored = {(row.channel, row.message_id) for row in rows}
    if stored != outcome.expected_rows or len(rows) != len(stored):
        outcome.wrong.append(
            f"inbox: {len(rows)} rows; unexpected {sorted(stored - outcome.expected_rows)[:5]},"
            f" missing {sorted(outcome.expected_rows - stored)[:5]}"
        )
    if any(row.sender in ("None", "") for row in rows):
        outcome.wrong.append("inbox: a sender stored as None or empty")
    for row in rows:
        if (row.channel, row.message_id) in outcome.receipt_time and abs(row.sent_at - row.received_at) > timedelta(
            minutes=5
        ):
            outcome.wrong.append(f"inbox: {row.message_id} kept an out-of-range sent_at {row.sent_at}")
    return outcome


def check(outcome: Outcome) -> None:
    print(f"\nhostile HTTP: {outcome.summary()}")
    assert not outcome.wrong, "\n".join(outcome.wrong[:30])
    assert all(status < 500 for status in outcome.statuses)


PER_ENDPOINT = 300


async def test_the_ai_bot_callback_answers_hostile_requests_below_500_and_stores_only_valid_messages(
    engine: Engine, fake: FakeWeCom
) -> None:
    outcome = await hostile_run(engine, fake, [("bot", PER_ENDPOINT)], seed=15_001)
    check(outcome)
    assert outcome.expected_rows and outcome.statuses[400] and outcome.statuses[403] and outcome.statuses[413]


async def test_the_app_callback_answers_hostile_requests_below_500_and_stores_only_valid_messages(
    engine: Engine, fake: FakeWeCom
) -> None:
    outcome = await hostile_run(engine, fake, [("app", PER_ENDPOINT)], seed=15_002)
    check(outcome)
    assert outcome.expected_rows and outcome.receipt_time and outcome.statuses[400] and outcome.statuses[403]


async def test_the_gateway_answers_hostile_requests_below_500_and_stores_only_valid_messages(
    engine: Engine, fake: FakeWeCom
) -> None:
    outcome = await hostile_run(engine, fake, [("gateway", PER_ENDPOINT)], seed=15_003)
    check(outcome)
    assert outcome.expected_rows and outcome.receipt_time and outcome.statuses[400] and outcome.statuses[403]


async def test_url_verification_health_metrics_and_stray_requests_answer_below_500(
    engine: Engine, fake: FakeWeCom
) -> None:
    outcome = await hostile_run(engine, fake, [("wecom_get", 100), ("misc", 100)], seed=15_004)
    check(outcome)
    assert outcome.rows == 0


@pytest.mark.reliability
async def test_ten_thousand_hostile_requests(engine: Engine, fake: FakeWeCom) -> None:
    """The long run (docs/operations.md, "Hostile input"): 10,000 requests over every entry."""
    plan = [("bot", 3300), ("app", 3300), ("gateway", 3200), ("wecom_get", 100), ("misc", 100)]
    check(await hostile_run(engine, fake, plan, seed=15_000))


# ---- the findings of the black-box attack, one by one -----------------------------------------------------------


@pytest.fixture
async def client(engine: Engine, fake: FakeWeCom) -> AsyncIterator[TestClient[Any, Any]]:
    settings = Settings(
        wecom_api_base=fake.base_url,
        wecom_bot_token=BOT_TOKEN,
        wecom_bot_aes_key=AES_KEY,
        wecom_corp_id=CORP_ID,
        wecom_app_token=APP_TOKEN,
        wecom_app_aes_key=AES_KEY,
        gateway_secret=SECRET,
        max_body_bytes=MAX_BODY,
    )
    app = await build_app(settings, engine, SystemClock(), run_scheduler=False)
    test_client = TestClient(TestServer(app, host="127.0.0.1"))
    await test_client.start_server()
    yield test_client
    await test_client.close()


def inbox_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM inbox_message")).scalar_one())


async def test_a_timestamp_of_non_ascii_or_five_thousand_digits_is_400(
    client: TestClient[Any, Any], fake: FakeWeCom
) -> None:
    hostile = Hostile(1, fake.base_url)
    for timestamp in ["²", "9" * 5000]:
        bot = hostile.wecom(
            "/wecom/bot",
            BOT_TOKEN,
            "",
            "{}",
            bot_wrap,
            label="",
            status=400,
            timestamp=timestamp,
        )
        gateway = hostile.gateway_request(b"{}", "", 400, timestamp=timestamp)
        for case in (bot, gateway):
            status, answer = await send(client, case)
            assert (status, answer) == (400, "bad timestamp")


async def test_deep_nesting_before_the_signature_is_400(client: TestClient[Any, Any], engine: Engine) -> None:
    query = {"msg_signature": "0" * 40, "timestamp": str(int(time.time())), "nonce": "n"}
    response = await client.post("/wecom/bot", params=query, data=b"[" * DEEP)
    assert response.status == 400 and (await response.text()).startswith("malformed message")
    assert inbox_rows(engine) == 0


async def test_a_lone_surrogate_is_refused_400_and_year_9999_is_kept_at_the_time_of_receipt(
    client: TestClient[Any, Any], engine: Engine, fake: FakeWeCom
) -> None:
    hostile = Hostile(2, fake.base_url)
    surrogate = b'{"message_id": "g1", "room": "r", "sender": "s", "text": "\\ud800"}'
    status, _ = await send(client, hostile.gateway_request(surrogate, "", 400))
    assert status == 400 and inbox_rows(engine) == 0  # permanent: never a retryable 503
    far = json.dumps({"message_id": "g2", "room": "r", "sender": "s", "sent_at": "9999-12-31T23:59:59-12:00"}).encode()
    status, answer = await send(client, hostile.gateway_request(far, "", 200))
    assert status == 200 and json.loads(answer) == {"ok": True, "duplicate": False}
    with Session(engine) as session:
        [row] = session.exec(select(InboxMessage)).all()
    assert abs(row.sent_at - row.received_at) < timedelta(minutes=1)


async def test_an_app_message_without_a_sender_is_400_and_never_stored_as_none(
    client: TestClient[Any, Any], engine: Engine, fake: FakeWeCom
) -> None:
    hostile = Hostile(3, fake.base_url)
    plain = hostile.app_xml("777", "text")
    start, end = plain.index("<FromUserName>"), plain.index("</FromUserName>") + len("</FromUserName>")
    wrap = app_wrap
    case = hostile.wecom("/wecom/app", APP_TOKEN, CORP_ID, plain[:start] + plain[end:], wrap, label="", status=400)
    status, answer = await send(client, case)
    assert status == 400 and "FromUserName" in answer
    assert inbox_rows(engine) == 0


async def test_the_billion_laughs_are_refused_in_the_envelope_and_in_the_signed_message(
    client: TestClient[Any, Any], engine: Engine, fake: FakeWeCom
) -> None:
    hostile = Hostile(4, fake.base_url)
    query = {"msg_signature": "0" * 40, "timestamp": str(int(time.time())), "nonce": "n"}
    started = time.monotonic()
    response = await client.post("/wecom/app", params=query, data=laughs("<Encrypt>@</Encrypt>"))
    assert (response.status, await response.text()) == (400, "malformed XML")
    wrap = app_wrap
    inner = laughs("<FromUserName>a</FromUserName><Content>@</Content><MsgType>text</MsgType>")
    status, answer = await send(
        client, hostile.wecom("/wecom/app", APP_TOKEN, CORP_ID, inner, wrap, label="", status=400)
    )
    assert (status, answer) == (400, "malformed XML")
    assert time.monotonic() - started < 2 and inbox_rows(engine) == 0


async def test_content_the_store_cannot_hold_is_a_permanent_refusal(engine: Engine) -> None:
    """Past the schemas (as if one let it through): the store's refusal of a value is `MessageRefused` (400), not a
    failure to retry."""
    from gridbot.bot.dispatcher import Dispatcher
    from gridbot.bot.metrics import Metrics
    from gridbot.bot.photos import PhotoFetcher

    settings = Settings()
    clock = SystemClock()
    metrics = Metrics(engine)
    ingestor = Ingestor(
        engine, Dispatcher(engine, settings, clock), clock, metrics, PhotoFetcher(engine, settings, [], clock, metrics)
    )
    base = IncomingMessage(channel="gateway", message_id="m", conversation="r", sender="s", sent_at=datetime.now(UTC))
    far = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12)))
    for bad in (replace(base, text="\ud800"), replace(base, sender="\udc00"), replace(base, sent_at=far)):
        with pytest.raises(MessageRefused):
            await ingestor.ingest(bad)
    assert inbox_rows(engine) == 0
