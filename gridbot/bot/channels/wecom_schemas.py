"""Strict schemas of what the WeCom callbacks carry: the AI bot's JSON envelope and decrypted message, the app's
decrypted XML message. Bounded lengths and counts (`inbound_checks`), JSON types as documented, unknown fields
ignored and dropped; a body that does not fit is refused (400) before anything is stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError

from gridbot.bot.channels.inbound_checks import (
    ITEMS_MAX,
    Id,
    Refused,
    Short,
    Strict,
    Text,
    Url,
    parse_schema,
    schema_reason,
)

# ---- the AI bot (JSON) ----------------------------------------------------------------------------------------


class BotEnvelope(Strict):
    """The POST body `{"encrypt": …}`. Parsed before the signature is checked (WeCom signs the field, not the body),
    so only by this schema: the body is already capped by size, the parser is not recursive beyond depth 200 and
    yields one bounded string; nothing else of the unverified body is kept."""

    encrypt: Annotated[str, StringConstraints(min_length=1)]


class _Content(Strict):
    content: Text = ""


class _Image(Strict):
    url: Url | None = None
    aeskey: Short | None = None


class _Item(Strict):
    msgtype: Short = ""
    text: _Content | None = None
    image: _Image | None = None


class _Mixed(Strict):
    msg_item: list[_Item] = Field(default_factory=list, max_length=ITEMS_MAX)


class _From(Strict):
    userid: Id


class _CardEvent(Strict):
    event_key: Short | None = None
    task_id: Short | None = None


class _Event(Strict):
    eventtype: Short = ""
    event_key: Short | None = None
    task_id: Short | None = None
    template_card_event: _CardEvent | None = None


class _Quote(Strict):
    msgtype: Short = ""
    text: _Content | None = None
    voice: _Content | None = None
    mixed: _Mixed | None = None
    image: _Image | None = None


class BotCallbackMessage(Strict):
    """A decrypted AI-bot callback: a message (text, voice, image, mixed), an event, a stream refresh… The ids a
    stored message needs (msgid, from.userid, a group's chatid) are checked by `bot_message`; here each field
    present must have its type and bounds."""

    msgid: Id | None = None
    aibotid: Short | None = None
    chatid: Id | None = None
    chattype: Short | None = None
    from_: _From | None = Field(default=None, alias="from")
    response_url: Url | None = None
    msgtype: Short
    text: _Content | None = None
    voice: _Content | None = None
    image: _Image | None = None
    mixed: _Mixed | None = None
    quote: _Quote | None = None
    event: _Event | None = None


def bot_envelope(body: bytes) -> str:
    """The `encrypt` field of the callback's JSON body (400 when there is none)."""
    return parse_schema(BotEnvelope, body).encrypt


def bot_callback(plaintext: str) -> dict[str, Any]:
    """The decrypted message as a dict of its known fields only, each checked (400 otherwise)."""
    return parse_schema(BotCallbackMessage, plaintext).model_dump(by_alias=True, exclude_unset=True)


# ---- the self-built app (XML, flattened to its fields by `inbound_checks.flat_xml`) --------------------------

APP_KINDS = ("text", "image", "location")
Digits = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}$")]
Decimal = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,3}(\.[0-9]{1,15})?$")]


class AppCallbackMessage(Strict):
    """A decrypted app message of a kind we take (text, image, location); the fields its kind needs are checked
    by `wecom_app.parse_app_message`."""

    ToUserName: Id
    FromUserName: Id
    CreateTime: Digits
    MsgType: Literal["text", "image", "location"]
    MsgId: Id
    AgentID: Short | None = None
    Content: Text | None = None
    PicUrl: Url | None = None
    MediaId: Id | None = None
    Location_X: Decimal | None = None
    Location_Y: Decimal | None = None
    Scale: Short | None = None
    Label: Short | None = None


def app_message(fields: dict[str, str]) -> AppCallbackMessage:
    try:
        return AppCallbackMessage.model_validate(fields)
    except ValidationError as error:
        raise Refused(schema_reason(error), 400) from None
