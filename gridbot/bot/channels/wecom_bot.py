"""The WeCom AI bot (智能机器人): the HTTP callback at `/wecom/bot` and the outbound channel.

The callback's POST body is JSON `{"encrypt": …}` (receive id ""), answered 200 with an empty body once the
message is stored; the reply goes out later. A reply is POSTed once to the message's `response_url` (valid 1 h),
or sent on the long connection for messages that came that way; anything else (a second reply, an expired url,
a scheduled post) is an active push on the long connection into the group's `wecom_chat_id`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from aiohttp import web

from gridbot.bot.channels.base import Ingest, Posts
from gridbot.bot.channels.wecom_api import WeComApiError, WeComHttp
from gridbot.bot.channels.wecom_bot_messages import CHANNEL, bot_message
from gridbot.bot.channels.wecom_bot_ws import AiBotConnection
from gridbot.bot.channels.wecom_callback import CallbackEndpoint, PassiveAnswer
from gridbot.bot.channels.wecom_cards import answered_card, button_card
from gridbot.bot.channels.wecom_crypto import CallbackRejected
from gridbot.bot.channels.wecom_schemas import bot_callback, bot_envelope
from gridbot.bot.channels.wecom_text import MARKDOWN_LIMIT, split_text
from gridbot.bot.messages import IncomingMessage, OutgoingMessage
from gridbot.clock import Clock, SystemClock
from gridbot.storage.reply_handles import UsedReplyHandles

log = logging.getLogger(__name__)

RESPONSE_URL_LIFETIME = timedelta(hours=1) - timedelta(minutes=2)  # keep a margin for the send itself
STREAM_REPLY_LIFETIME = timedelta(minutes=5)  # WeCom closes a stream 6 min after the user's message
CARD_UPDATE_WINDOW = timedelta(seconds=5)  # a clicked card can be replaced within 5 s of the click


def envelope(body: bytes) -> str:
    """The `encrypt` field of the callback's JSON body, by a strict, depth-bounded schema parse (no json.loads of
    an unverified body: 50,000 "[" would raise RecursionError), see `wecom_schemas.BotEnvelope`."""
    return bot_envelope(body)


class BotInbound:
    """The `/wecom/bot` callback (receive id "")."""

    name = CHANNEL
    path = "/wecom/bot"

    def __init__(
        self,
        endpoint: CallbackEndpoint,
        *,
        wecom_name: str,
        bot_name: str,
        clock: Clock | None = None,
        answer: PassiveAnswer | None = None,
    ):
        self.endpoint = endpoint
        self.wecom_name = wecom_name
        self.bot_name = bot_name
        self.clock = clock or SystemClock()
        self.answer = answer  # a tapped card is answered in the callback's response (bot/card_answers.py)

    def parse(self, plaintext: str) -> IncomingMessage | None:
        """The decrypted callback checked by its schema (types, bounds, depth), then read as the long connection's
        messages are; a message without its ids is a 400."""
        body = bot_callback(plaintext)
        try:
            return bot_message(
                body,
                sent_at=self.clock.now(),
                wecom_name=self.wecom_name,
                bot_name=self.bot_name,
                reply={"response_url": str(body.get("response_url") or "")},
            )
        except ValueError as error:
            raise CallbackRejected(f"malformed message: {error}", 400) from None

    def routes(self, ingest: Ingest) -> list[web.RouteDef]:
        async def receive(request: web.Request) -> web.Response:
            return await self.endpoint.receive(request, ingest, envelope, self.parse, self.answer)

        return [web.get(self.path, self.endpoint.verify_url), web.post(self.path, receive)]


class BotChannel:
    """Sends as the AI bot: replies by response_url (once) or stream, else active push."""

    name = "bot"
    answers = CHANNEL  # replies to messages that came in as `wecom_bot` go back this way
    rings = False  # markdown shows "@name" as text; nobody is notified

    def __init__(
        self,
        api: WeComHttp,
        connection: AiBotConnection | None,
        clock: Clock | None = None,
        used: UsedReplyHandles | None = None,
    ) -> None:
        self.api = api
        self.connection = connection
        self.clock = clock or SystemClock()
        # response_urls and req_ids already answered (each works once), kept in the database across restarts
        self.used = used or UsedReplyHandles()

    def _pieces(self, message: OutgoingMessage) -> list[str]:
        # Names, not <@userid>: plain names read well whatever the bot's markdown makes of them.
        names = " ".join(f"@{name}" for name in message.mentions)
        return split_text(f"{names} {message.text}" if names else message.text, MARKDOWN_LIMIT)

    def _reply_path(self, message: OutgoingMessage) -> tuple[str, str] | None:
        """("card", req_id), ("response_url", url) or ("stream", req_id) when this message answers an unanswered
        bot message: a card click is answered by replacing the card, within 5 s, on the long connection."""
        reply = message.reply_to
        if reply is None or reply.channel != CHANNEL:
            return None
        age = self.clock.now() - reply.received_at
        card_req = str(reply.payload.get("req_id") or "")
        clicked = bool(reply.payload.get("card_task_id")) and bool(card_req)
        if clicked and age < CARD_UPDATE_WINDOW and self._connected() and not self.used.used(card_req):
            return ("card", card_req)
        url = str(reply.payload.get("response_url") or "")
        if url and age < RESPONSE_URL_LIFETIME and not self.used.used(url):
            return ("response_url", url)
        req_id = str(reply.payload.get("req_id") or "")
        if req_id and age < STREAM_REPLY_LIFETIME and self._connected() and not self.used.used(req_id):
            return ("stream", req_id)
        return None

    def _push_chat(self, message: OutgoingMessage) -> str | None:
        """Where an active push goes: the group's chat id, or the user of a 1:1 chat being answered."""
        if not self._connected():
            return None
        if message.bindings.get("wecom_chat_id"):
            return message.bindings["wecom_chat_id"]
        reply = message.reply_to
        if reply is not None and reply.channel == CHANNEL and reply.direct:
            return reply.sender
        return None

    def _connected(self) -> bool:
        return self.connection is not None and self.connection.connected

    def can_card(self, message: OutgoingMessage) -> bool:
        """A message with buttons can go as a card where the long connection can push into the group."""
        return bool(message.buttons) and self._push_chat(message) is not None and message.reply_to is None

    def can_deliver(self, message: OutgoingMessage) -> bool:
        if self._push_chat(message) is not None:
            return True
        # A reply path carries one message; longer texts need the push (or another channel).
        return self._reply_path(message) is not None and len(self._pieces(message)) <= 1

    def target(self, message: OutgoingMessage) -> str:
        reply = message.reply_to
        if message.bindings.get("wecom_chat_id"):
            return message.bindings["wecom_chat_id"]
        return reply.conversation if reply is not None else message.conversation

    async def send(self, message: OutgoingMessage, posts: Posts | None = None) -> None:
        """One POST per piece: the first piece answers by the reply path when there is one (a clicked card is
        replaced whole), the others are pushed; a retry resumes at the piece that failed (`posts`)."""
        posts = posts or Posts()
        if self.can_card(message):
            card = button_card(message)
            await posts.post(lambda: self._push(message, card=card))
            return
        path = self._reply_path(message)
        if path is not None and path[0] == "card":
            await posts.post(lambda: self._reply(path, message.text, message))
            return
        for index, piece in enumerate(self._pieces(message)):
            if index == 0 and path is not None:
                await posts.post(partial(self._reply_or_push, path, piece, message))
            else:
                await posts.post(partial(self._push, message, text=piece))

    async def _reply_or_push(self, path: tuple[str, str], piece: str, message: OutgoingMessage) -> None:
        try:
            await self._reply(path, piece, message)
        except WeComApiError as error:
            if error.config or self._push_chat(message) is None:
                raise
            log.warning("AI bot reply by %s failed (%s); pushing instead", path[0], error)
            await self._push(message, text=piece)

    async def _push(self, message: OutgoingMessage, *, text: str = "", card: dict[str, Any] | None = None) -> None:
        chat_id = self._push_chat(message)
        if chat_id is None or self.connection is None:
            raise WeComApiError("AI bot: no reply path and no long connection", errcode=None, retry=True)
        if card is not None:
            await self.connection.push_card(chat_id, card)
        else:
            await self.connection.push_markdown(chat_id, text)

    async def _reply(self, path: tuple[str, str], content: str, message: OutgoingMessage) -> None:
        kind, key = path
        self.used.use(key, self.clock.now())  # used once, even if this attempt fails: never post twice to it
        if kind == "card":
            assert self.connection is not None and message.reply_to is not None
            reply = message.reply_to
            who = f"{reply.sender_name or reply.sender} 点击"
            card = answered_card(str(reply.payload["card_task_id"]), message.text, who)
            await self.connection.update_card(key, card)
            return
        if kind == "stream":
            assert self.connection is not None
            await self.connection.respond(key, content)
            return
        body: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": content}}
        await self.api.call("POST", key, body=body)
