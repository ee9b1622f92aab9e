"""Which channel carries a message (bot/routing.py): a reply goes back the way its message came."""

from __future__ import annotations

from datetime import UTC, datetime

from gridbot.bot import routing
from gridbot.bot.channels.wecom_api import WeComHttp
from gridbot.bot.channels.wecom_bot import BotChannel
from gridbot.bot.channels.wecom_robot import RobotChannel
from gridbot.bot.messages import OutgoingMessage, ReplyContext
from gridbot.clock import SimulatedClock

NOW = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
API = WeComHttp(None, "http://127.0.0.1:9")  # type: ignore[arg-type]  # nothing is sent here


def test_a_reply_to_an_ai_bot_message_goes_back_through_the_ai_bot_not_the_first_channel_listed() -> None:
    robot, bot = RobotChannel(API), BotChannel(API, None, SimulatedClock(NOW))
    context = ReplyContext(
        "wecom_bot", "CHAT-1", "liuyang", False, NOW, {"response_url": "http://127.0.0.1:9/cgi-bin/aibot/response"}
    )
    reply = OutgoingMessage(
        outbox_id=1, conversation="红旗村一网格群", text="E1 已登记", reply_to=context, bindings={"robot_key": "K"}
    )
    chosen = routing.choose(reply, [robot, bot])
    assert chosen is not None and chosen.channel is bot  # the inbound name `wecom_bot` is the outbound `bot`


def test_a_reply_that_names_people_still_goes_where_the_mentions_ring() -> None:
    robot, bot = RobotChannel(API), BotChannel(API, None, SimulatedClock(NOW))
    context = ReplyContext("wecom_bot", "CHAT-1", "liuyang", False, NOW, {"response_url": "http://x/r"})
    reply = OutgoingMessage(
        outbox_id=2,
        conversation="红旗村一网格群",
        text="E1 已派单",
        reply_to=context,
        mentions=("田队长",),
        mention_userids=("tiandz",),
        bindings={"robot_key": "K"},
    )
    chosen = routing.choose(reply, [bot, robot])
    assert chosen is not None and chosen.channel is robot
