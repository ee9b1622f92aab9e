"""What every HTTP entry checks before it believes a request, and in which order (issue 15).

1. Size: the body is read up to the limit and refused (413) beyond it, before anything looks inside it.
2. The signed values' shape: timestamps are ASCII digits `[0-9]{1,12}` (not `str.isdigit()`, which takes "²"),
   nonces and signatures bounded (400; a signature of the wrong shape is 403 like any wrong signature).
3. The signature over the raw bytes (403), then the timestamp window (403) and the replay check.
4. A strict schema over the decrypted message or the gateway body (400): bounded lengths, ranges and depth, the
   right JSON types (no "None" made of a null), a sender id required.

Text is refused, not stripped, when it is not valid Unicode (a lone surrogate such as "\\ud800", which UTF-8 cannot
encode) or holds a NUL (which PostgreSQL cannot store): no genuine client sends either, and a changed message is
worse than a refused one. A `sent_at` before 2000 or more than a day ahead is replaced by the time of receipt
(the message is kept; only its claimed time is distrusted).

Every refusal is a 4xx with a short reason and stores nothing. 5xx is kept for the server's own faults: 503 when
the store is unavailable (the platform retries). Content the store refuses anyway is a permanent fault: 400, never a
retryable 503.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar
from xml.parsers import expat

from aiohttp import web
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

from gridbot.bot.channels.base import Ingest, MessageRefused
from gridbot.bot.messages import IncomingMessage

log = logging.getLogger(__name__)

READ_CHUNK = 64 * 1024
TEXT_MAX = 20_000  # characters of a message's text (WeCom's own limits are far lower)
ID_MAX = 128  # a user id, chat id, message id, room
SHORT_MAX = 256  # a message type, a label, an AES key, an event key
URL_MAX = 4096
ITEMS_MAX = 100  # items of a mixed message
XML_DEPTH_MAX = 8
XML_ELEMENTS_MAX = 512

SENT_AT_FLOOR = datetime(2000, 1, 1, tzinfo=UTC)
SENT_AT_AHEAD = timedelta(days=1)

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_NONCE = re.compile(r"[\x21-\x7e]{1,64}")
_HEX = re.compile(r"[0-9a-f]+")


class Refused(Exception):
    """A request that must not be processed; `status` is the HTTP answer (400 malformed, 403 forged or stale,
    413 too large) and the message its short reason."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def refusal(error: Refused) -> web.Response:
    log.warning("request refused (%d): %s", error.status, error)
    return web.Response(status=error.status, text=str(error))


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The body, refusing (413) anything longer than `limit` bytes without reading it all."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused("body too large", 413)
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise Refused("body too large", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def unix_timestamp(value: str) -> int:
    """Unix seconds written in 1 to 12 ASCII digits; anything else is a 400."""
    if not _TIMESTAMP.fullmatch(value):
        raise Refused("bad timestamp", 400)
    return int(value)


def check_nonce(value: str) -> str:
    if not _NONCE.fullmatch(value):
        raise Refused("bad nonce", 400)
    return value


def hex_signature(value: str, length: int) -> str:
    """A hex digest of the expected length (lower case), else 403 as a wrong one."""
    if len(value) != length or not _HEX.fullmatch(value):
        raise Refused("bad signature", 403)
    return value


def sent_at_or_receipt(sent_at: datetime, received: datetime) -> datetime:
    """The claimed time of sending, or the time of receipt when the claim is out of range (before 2000, more than a
    day ahead): aware datetimes of any offset compare without converting, so year 9999 cannot overflow here."""
    if SENT_AT_FLOOR <= sent_at <= received + SENT_AT_AHEAD:
        return sent_at
    log.info("sent_at %s out of range: the time of receipt is used", sent_at.isoformat())
    return received


# ---- schema building blocks -----------------------------------------------------------------------------------


def _valid_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode (lone surrogate)") from None
    return value


Text = Annotated[str, StringConstraints(max_length=TEXT_MAX), AfterValidator(_valid_text)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=ID_MAX), AfterValidator(_valid_text)]
Short = Annotated[str, StringConstraints(max_length=SHORT_MAX), AfterValidator(_valid_text)]
Url = Annotated[str, StringConstraints(max_length=URL_MAX), AfterValidator(_valid_text)]


M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """Strict JSON types (a number is not a string, null is not a name), no NaN or infinity, unknown fields ignored
    (the platforms add fields) and dropped. Parsed by `model_validate_json` (pydantic's Rust parser), which stops at
    a nesting depth of 200 with a validation error instead of recursing: no RecursionError, whatever the body."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, allow_inf_nan=False, populate_by_name=True)


def schema_reason(error: ValidationError) -> str:
    """A short reason for a refused body: where and what (never the value)."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    what = str(first["msg"])[:60]
    return f"malformed message: {where}: {what}" if where else f"malformed message: {what}"


def parse_schema(model: type[M], data: bytes | str) -> M:
    """`model` from JSON text, or a 400 saying what is wrong."""
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        raise Refused(schema_reason(error), 400) from None


# ---- XML --------------------------------------------------------------------------------------------------------


def flat_xml(data: bytes | str, root: str = "xml") -> dict[str, str]:
    """The text of the direct children of `<root>` (WeCom's envelopes and messages are one level deep), parsed by
    expat with no document type at all: a DOCTYPE (and with it every entity declaration, the "billion laughs", any
    external entity) is refused, so is nesting deeper than 8 or more than 512 elements. Deeper elements (some
    events carry lists) are skipped. A repeated child is refused. Raises `Refused` (400)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    found: dict[str, str] = {}
    stack: list[str] = []
    text: list[str] = []
    state = {"elements": 0, "nested": False}

    def refuse(*_args: Any) -> None:
        raise ValueError("document type declarations are refused")

    def no_external_entity(_context: str, _base: str | None, _system: str | None, _public: str | None) -> int:
        raise ValueError("external entities are refused")

    def start(name: str, _attributes: Any) -> None:
        state["elements"] = int(state["elements"]) + 1
        if len(stack) >= XML_DEPTH_MAX or int(state["elements"]) > XML_ELEMENTS_MAX:
            raise ValueError("XML too deep or too large")
        if not stack and name != root:
            raise ValueError("unexpected root element")
        if len(stack) == 2:
            state["nested"] = True  # the child of <root> being read has children: not a field
        stack.append(name)
        if len(stack) == 2:
            text.clear()
            state["nested"] = False

    def end(name: str) -> None:
        if len(stack) == 2 and not state["nested"]:
            if name in found:
                raise ValueError("repeated element")
            found[name] = "".join(text)
        stack.pop()

    def characters(data: str) -> None:
        if len(stack) == 2:
            text.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = no_external_entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError):
        raise Refused("malformed XML", 400) from None
    return found


# ---- storing ----------------------------------------------------------------------------------------------------


async def ingest_or_refuse(ingest: Ingest, message: IncomingMessage) -> bool:
    """`ingest(message)`: True new, False duplicate; `MessageRefused` (content) becomes a 400 `Refused`; any other
    failure propagates (the store is unavailable: the caller answers 503)."""
    try:
        return await ingest(message)
    except MessageRefused as error:
        log.error("the store refused a %s message the schema let through: %s", message.channel, error)
        raise Refused("message cannot be stored", 400) from None
