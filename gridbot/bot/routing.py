"""Which channel carries a message, so that cards are cards and @-mentions ring.

The rules, in order (docs/deploy-wecom.md prints them as a table per kind of notice):

1. a row that names its channel (`via`) goes only through that channel;
2. a message with one-tap buttons goes as a card where a channel can show one in that group (the AI bot's long
   connection); if it also names people, a short ring follows through a channel whose @-mentions notify;
3. a message that names people goes through a channel whose @-mentions notify (the group robot's `mentioned_list`),
   when the group has one; otherwise it goes as text with the names, and nobody's phone rings (logged);
4. a reply goes back through the channel the message came from, when it can;
5. otherwise the first channel that can deliver it (the order of `bot/channels/wecom.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from gridbot.bot.channels.base import Channel
from gridbot.bot.messages import OutgoingMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Route:
    channel: Channel
    ring_after: bool = False  # send a short ring (the mentions) through a ringing channel once this one is through


def _answers(channel: Channel) -> str:
    """The inbound channel whose messages this outbound channel answers (`wecom_bot` for the AI bot's `bot`)."""
    return str(getattr(channel, "answers", channel.name))


def _rings(channel: Channel) -> bool:
    return bool(getattr(channel, "rings", False))


def _card_channel(message: OutgoingMessage, channels: Sequence[Channel]) -> Channel | None:
    for channel in channels:
        can_card = getattr(channel, "can_card", None)
        if can_card is not None and can_card(message):
            return channel
    return None


def ringing_channel(message: OutgoingMessage, channels: Sequence[Channel]) -> Channel | None:
    return next((c for c in channels if _rings(c) and c.can_deliver(message)), None)


def choose(message: OutgoingMessage, channels: Sequence[Channel]) -> Route | None:
    if message.via:
        named = next((c for c in channels if c.name == message.via and c.can_deliver(message)), None)
        return Route(named) if named is not None else None
    names_people = bool(message.mention_userids)
    if message.buttons:
        card = _card_channel(message, channels)
        if card is not None:
            ring = names_people and not _rings(card) and ringing_channel(message, channels) is not None
            return Route(card, ring_after=ring)
    if names_people:
        ringing = ringing_channel(message, channels)
        if ringing is not None:
            return Route(ringing)
    if message.reply_to is not None:
        for channel in channels:
            if _answers(channel) == message.reply_to.channel and channel.can_deliver(message):
                return Route(channel)
    fallback = next((c for c in channels if c.can_deliver(message)), None)
    if fallback is not None and names_people and not _rings(fallback):
        log.warning("outbox %s names people but no channel of this group rings them", message.outbox_id)
    return Route(fallback) if fallback is not None else None
