"""A reply that quotes a message (the AI bot's `quote`): read as written, except that a command needing a reference
and typed without one takes the one reference the quoted message names. Acknowledgements stay acknowledgements."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.messages import IncomingMessage
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.models import Event, InboxMessage, OutboxMessage
from tests.helpers import START, load_example_org

Say = Callable[..., str]
DISPATCHED = "E{n} 已派单给综合执法队，请在时限内签收"


@pytest.fixture
def say(engine: Engine) -> Say:
    """Two events dispatched to 综合执法队 (E1, E2); `say(text, by, group, quote=…)` → the bot's answer."""
    load_example_org(engine)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(START))
    ids = count(1)

    def say(text: str, by: str, group: str, quote: str | None = None) -> str:
        payload = {"quote": {"msgtype": "text", "text": quote}} if quote is not None else {}
        message = IncomingMessage("simulator", f"q{next(ids)}", group, by, START, text, payload=payload)
        handled = dispatcher.handle(message)
        with Session(engine) as session:
            rows = session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.in_reply_to == handled.inbox_id)
                .order_by(col(OutboxMessage.id))
            ).all()
            return "\n".join(row.text for row in rows)

    for n, text in ((1, "#上报 红旗村1组排水沟堵塞，雨后污水漫到路面"), (2, "#上报 红旗村2组路边垃圾堆积，约2方")):
        say(text, "刘洋", "红旗村一网格群")
        say(f"上报中心 E{n} 需要处理", "刘洋", "红旗村一网格群")
        say(f"派单 E{n} 综合执法队", "林坐席", "永乐镇网格中心群")
    return say


def statuses(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [event.status for event in session.exec(select(Event).order_by(col(Event.id))).all()]


def test_签收_quoting_the_bots_dispatch_signs_that_event(engine: Engine, say: Say) -> None:
    answer = say("签收", "田队长", "综合执法队群", quote=DISPATCHED.format(n=2))

    assert "E2" in answer and "E1" not in answer
    assert statuses(engine) == ["dispatched", "accepted"]


def test_the_quote_is_kept_with_the_message(engine: Engine, say: Say) -> None:
    say("签收", "田队长", "综合执法队群", quote=DISPATCHED.format(n=2))

    with Session(engine) as session:
        last = session.exec(select(InboxMessage).order_by(col(InboxMessage.id).desc())).first()
    assert last is not None and last.payload["quote"] == {"msgtype": "text", "text": DISPATCHED.format(n=2)}


def test_a_reference_typed_in_the_text_wins_over_the_quote(engine: Engine, say: Say) -> None:
    say("签收 E1", "田队长", "综合执法队群", quote=DISPATCHED.format(n=2))

    assert statuses(engine) == ["accepted", "dispatched"]


def test_收到_quoting_a_message_is_still_an_acknowledgement(engine: Engine, say: Say) -> None:
    answer = say("收到", "田队长", "综合执法队群", quote=DISPATCHED.format(n=2))

    assert "E1" in answer and "E2" in answer  # the two waiting are listed, as without a quote
    assert statuses(engine) == ["dispatched", "dispatched"]


def test_a_quote_naming_several_references_adds_nothing(engine: Engine, say: Say) -> None:
    answer = say("签收", "田队长", "综合执法队群", quote="待签收：E1、E2")

    assert "E1" in answer and "E2" in answer
    assert statuses(engine) == ["dispatched", "dispatched"]


def test_the_quoted_reference_goes_through_the_same_permission_checks(engine: Engine, say: Say) -> None:
    say("签收", "罗主任", "平安办群", quote=DISPATCHED.format(n=1))  # 平安办 is not the department it went to

    assert statuses(engine) == ["dispatched", "dispatched"]
