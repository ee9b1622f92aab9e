"""At night (quiet hours, 21:00–07:30) what people do about a non-urgent matter @-mentions nobody; the message still
goes out, and the morning's reminders call the people concerned. Urgent matters ring at any hour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SHANGHAI, SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.models import OutboxMessage
from tests.helpers import load_example_org, text_message

NIGHT = datetime(2026, 4, 1, 23, 0, tzinfo=SHANGHAI)
DAY = datetime(2026, 4, 1, 10, 0, tzinfo=SHANGHAI)


def posts_to(engine: Engine, group: str) -> list[OutboxMessage]:
    with Session(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.conversation == group).order_by(col(OutboxMessage.id))
        return list(session.exec(query).all())


def dispatch_at(engine: Engine, moment: datetime, report: str) -> OutboxMessage:
    load_example_org(engine)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(moment))
    for text, by, group in (
        (report, "刘洋", "红旗村一网格群"),
        ("上报中心 E1 需处理", "刘洋", "红旗村一网格群"),
        ("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群"),
    ):
        dispatcher.handle(text_message(text, by, group, at=moment))
    [post] = posts_to(engine, "综合执法队群")
    return post


def test_a_dispatch_at_night_reaches_the_department_without_ringing_anyone(engine: Engine) -> None:
    post = dispatch_at(engine, NIGHT, "#上报 红旗村1组路边垃圾堆积")
    assert "E1" in post.text and post.mentions == []


def test_the_same_dispatch_by_day_calls_the_department_staff(engine: Engine) -> None:
    post = dispatch_at(engine, DAY, "#上报 红旗村1组路边垃圾堆积")
    assert post.mentions == ["田队长"]


def test_an_urgent_matter_rings_even_at_night(engine: Engine) -> None:
    post = dispatch_at(engine, NIGHT, "#上报 红旗村1组紧急：路边垃圾着火冒烟，已影响通行")
    assert post.mentions == ["田队长"]
