"""The dispatcher: every message is stored first; the same message twice changes nothing; failures answer."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.models import Event, EventHistory, InboxMessage, OutboxMessage
from tests.helpers import START, load_example_org, text_message


def make(engine: Engine) -> Dispatcher:
    load_example_org(engine)
    return Dispatcher(engine, Settings(), SimulatedClock(START))


def rows(engine: Engine, model: type) -> list:  # type: ignore[type-arg]
    with Session(engine) as session:
        return list(session.exec(select(model)).all())


def test_ordinary_chat_is_stored_and_not_answered(engine: Engine) -> None:
    dispatcher = make(engine)
    handled = dispatcher.handle(text_message("各位辛苦了，今晚早点休息", "刘洋", "红旗村一网格群"))

    [stored] = rows(engine, InboxMessage)
    assert handled.inbox_id == stored.id and stored.state == "processed" and stored.intent is None
    assert stored.text == "各位辛苦了，今晚早点休息"
    assert rows(engine, OutboxMessage) == []


def test_the_same_message_twice_changes_nothing_the_second_time(engine: Engine) -> None:
    dispatcher = make(engine)
    message = text_message("#上报 红旗村1组路灯不亮", "刘洋", "红旗村一网格群", message_id="wecom-42")
    first = dispatcher.handle(message)
    outbox_before = len(rows(engine, OutboxMessage))

    second = dispatcher.handle(message)

    assert first.inbox_id is not None and second.inbox_id is None
    assert len(rows(engine, InboxMessage)) == 1
    assert len(rows(engine, Event)) == 1
    assert len(rows(engine, OutboxMessage)) == outbox_before


def test_every_state_change_writes_history(engine: Engine) -> None:
    dispatcher = make(engine)
    dispatcher.handle(text_message("#上报 红旗村1组排水沟堵塞", "刘洋", "红旗村一网格群"))
    dispatcher.handle(text_message("上报中心 E1 需要清淤", "刘洋", "红旗村一网格群"))

    history = rows(engine, EventHistory)
    assert [(h.action, h.from_status, h.to_status) for h in history] == [
        ("report", None, "open"),
        ("escalate", "open", "pending"),
    ]
    assert all(h.actor_id is not None for h in history)


def test_an_unregistered_sender_is_told_once_and_nothing_changes(engine: Engine) -> None:
    dispatcher = make(engine)
    dispatcher.handle(text_message("#上报 红旗村1组路灯不亮", "路人甲", "红旗村一网格群"))

    [reply] = rows(engine, OutboxMessage)
    assert "未登记" in reply.text and reply.conversation == "红旗村一网格群"
    assert rows(engine, Event) == []
    [stored] = rows(engine, InboxMessage)
    assert stored.person_id is None and stored.intent == "report"


def test_phone_and_id_numbers_are_masked_in_every_post(engine: Engine) -> None:
    dispatcher = make(engine)
    dispatcher.handle(
        text_message(
            "#上报 红旗村2组王某某（身份证610423199205063317）家门口积水，电话13891045672", "刘洋", "红旗村一网格群"
        )
    )
    dispatcher.handle(text_message("上报中心 E1 需要抽水", "刘洋", "红旗村一网格群"))

    texts = [row.text for row in rows(engine, OutboxMessage)]
    assert any("138****5672" in t for t in texts) and any("610423********3317" in t for t in texts)
    assert not any("13891045672" in t or "610423199205063317" in t for t in texts)
    [event] = rows(engine, Event)
    assert event.phones == ["13891045672"]  # stored whole, shown masked


def test_chinese_number_formats_are_masked_in_posts_and_kept_whole_in_the_store(engine: Engine) -> None:
    text = (
        "#上报 红旗村2组积水，联系人王某某 +86 138 9104 5672，座机(029)8888-6666，"
        "老身份证610423920506331，银行卡6222 0212 3456 7890"
    )
    dispatcher = make(engine)
    dispatcher.handle(text_message(text, "刘洋", "红旗村一网格群"))
    dispatcher.handle(text_message("上报中心 E1 需要抽水", "刘洋", "红旗村一网格群"))

    posted = "\n".join(row.text for row in rows(engine, OutboxMessage))
    assert "138****5672" in posted and "(029)****6666" in posted and "610423*****6331" in posted
    assert "6222 **** **** 7890" in posted
    for raw in ("9104", "8888-6666", "920506", "0212 3456"):
        assert raw not in posted
    assert any(m.text == text for m in rows(engine, InboxMessage))  # the store keeps what was said
    [event] = rows(engine, Event)
    assert event.phones == ["13891045672"]


def test_a_message_whose_processing_fails_is_kept_marked_and_answered(engine: Engine) -> None:
    dispatcher = make(engine)
    with engine.begin() as connection:  # break the store under the rules: the event table is gone
        connection.execute(text("ALTER TABLE event RENAME TO event_gone"))
    try:
        dispatcher.handle(text_message("#上报 红旗村1组路灯不亮", "刘洋", "红旗村一网格群"))
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE event_gone RENAME TO event"))

    [stored] = rows(engine, InboxMessage)
    assert stored.state == "failed" and stored.text == "#上报 红旗村1组路灯不亮"
    [reply] = rows(engine, OutboxMessage)
    assert "系统繁忙" in reply.text and reply.in_reply_to == stored.id
