"""Holes found by trying the bot as its users would, each closed by the permission table (issue 12).

Each test plays the messages through the dispatcher (the path every channel takes) and reads the answers
from the outbox and the state from the store.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.storage.models import Directive, Event, Rating
from tests.helpers import DIRECTIVE, Say, conversation


def talk(engine: Engine) -> Say:
    return conversation(engine)


def event(engine: Engine, number: int) -> Event:
    with Session(engine) as session:
        found = session.get(Event, number)
        assert found is not None
        return found


def test_a_part_time_worker_cannot_close_an_event_by_coordinating_it(engine: Engine) -> None:
    say = talk(engine)
    say("#上报 前进路两户因停车位发生口角纠纷", "宋楼长", "前进社区网格群")

    assert "无权限" in say("协调 E1 已组织双方调解", "宋楼长", "前进社区网格群")
    assert event(engine, 1).status == "open"
    assert "E1" in say("协调 E1 已组织双方调解", "高峰", "前进社区网格群")
    assert event(engine, 1).status == "closed"


def test_a_part_time_worker_cannot_complete_a_directive_task(engine: Engine) -> None:
    say = talk(engine)
    say(DIRECTIVE, "唐站长", "安监站群")
    say("通过 D1", "林坐席", "永乐镇网格中心群")

    assert "无权限" in say("完成 D1 已宣传60户", "宋楼长", "前进社区网格群")
    assert "1/3" in say("完成 D1 已宣传60户", "高峰", "前进社区网格群")


def test_the_same_person_rates_an_event_once(engine: Engine) -> None:
    say = talk(engine)
    say("#上报 红旗村1组路灯不亮", "刘洋", "红旗村一网格群")

    assert "满意" in say("评价 E1 满意", "刘洋", "红旗村一网格群")
    assert "已评价过" in say("评价 E1 不满意", "刘洋", "红旗村一网格群")
    with Session(engine) as session:
        assert [r.verdict for r in session.exec(select(Rating)).all()] == ["满意"]


def test_an_event_cannot_be_looked_up_from_another_villages_group(engine: Engine) -> None:
    say = talk(engine)
    say("#上报 红旗村2组王大爷家门口积水，电话13891045672", "刘洋", "红旗村一网格群")

    assert "无权限" in say("查询 E1", "高峰", "前进社区网格群")
    assert "积水" in say("查询 E1", "杜书记", "红旗村一网格群")
    assert "积水" in say("查询 E1", "林坐席", "永乐镇网格中心群")


def test_a_directive_cannot_be_looked_up_from_a_grid_it_was_not_sent_to(engine: Engine) -> None:
    say = talk(engine)
    say(DIRECTIVE.replace("网格：全镇", "网格：红旗村"), "唐站长", "安监站群")

    assert "无权限" in say("查询 D1", "高峰", "前进社区网格群")
    assert "燃气安全入户宣传" in say("查询 D1", "唐站长", "安监站群")


def test_a_town_seat_sends_an_event_to_the_district_only_from_the_center_group(engine: Engine) -> None:
    say = talk(engine)
    say("#上报 红旗村1组两户宅基地纠纷，已调解无果", "刘洋", "红旗村一网格群")
    say("上报中心 E1 需要协调", "刘洋", "红旗村一网格群")

    assert "无权限" in say("上报新区 E1 信访矛盾超出本镇", "林坐席", "红旗村一网格群")
    assert event(engine, 1).level == 2
    assert "西咸新区" in say("上报新区 E1 信访矛盾超出本镇", "林坐席", "永乐镇网格中心群")
    assert event(engine, 1).level == 3


def test_a_seat_reviews_a_directive_only_from_the_center_group(engine: Engine) -> None:
    say = talk(engine)
    say(DIRECTIVE, "唐站长", "安监站群")

    assert "无权限" in say("通过 D1", "林坐席", "红旗村一网格群")
    with Session(engine) as session:
        directive = session.get(Directive, 1)
        assert directive is not None and directive.reviewers == []
    assert "已下发" in say("通过 D1", "林坐席", "永乐镇网格中心群")
