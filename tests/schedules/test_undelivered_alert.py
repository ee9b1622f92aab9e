"""Parked messages are never silent: the center that looks after the group hears of them once an hour."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridbot.notices.delivery import UndeliveredMessages
from gridbot.schedules.runner import DueWork
from gridbot.settings import Settings
from gridbot.storage.database import transaction
from gridbot.storage.models import Group, OutboxMessage
from tests.helpers import START, load_example_org

ALERT = UndeliveredMessages.kind()


def park(engine: Engine, group: str, text: str, reason: str) -> None:
    with transaction(engine) as session:
        found = session.exec(select(Group).where(Group.name == group)).one()
        session.add(
            OutboxMessage(
                group_id=found.id, conversation=group, text=text, state="parked", last_error=reason, created_at=START
            )
        )


def alerts(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.template == ALERT).order_by(col(OutboxMessage.id))
        ).all()
        return [(r.conversation, r.text) for r in rows]


def test_parked_messages_are_told_to_the_groups_center_once_an_hour_and_not_at_night(engine: Engine) -> None:
    load_example_org(engine)
    park(engine, "红旗村一网格群", "E3 已派单", "configuration error: errcode 93000 invalid webhook url")
    park(engine, "红旗村一网格群", "E4 已派单", "configuration error: errcode 93000 invalid webhook url")
    park(engine, "新区城市管理局群", "指令 D2", "no channel bound")
    work = DueWork(engine, Settings(), since=START)

    work.run(START + timedelta(minutes=5))
    posted = dict(alerts(engine))
    assert set(posted) == {"永乐镇网格中心群", "新区网格中心群"}  # each center hears of its own groups
    text = posted["永乐镇网格中心群"]
    assert "新区城市管理局群" in posted["新区网格中心群"] and "新区城市管理局群" not in text
    assert "有 2 条消息没有发出去" in text and "红旗村一网格群：2 条" in text and "93000" in text
    assert "gridbot outbox" in text

    work.run(START + timedelta(minutes=40))
    assert len(alerts(engine)) == 2  # once an hour
    work.run(START + timedelta(hours=1, minutes=1))
    assert len(alerts(engine)) == 4
    night = START.replace(hour=23)
    work.run(night)
    assert len(alerts(engine)) == 4  # nobody is woken for it


def test_no_alert_when_nothing_is_parked(engine: Engine) -> None:
    load_example_org(engine)
    DueWork(engine, Settings(), since=START).run(START + timedelta(minutes=5))
    assert alerts(engine) == []
