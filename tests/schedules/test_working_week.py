"""A simulated week (Wednesday 1 – Thursday 9 April 2026, the 清明 holiday 4–6 April in it): events and a directive
reported at all hours, played through the same dispatcher, due work and sender as a deployment. Between 21:00 and
07:30 nothing about a non-urgent matter is sent by the clock, and nobody is @-mentioned about one; the one urgent
matter (a warning on Saturday night) is announced at night. (What people send at night is answered at once: an
answer is no reminder. Nobody in this week acts at night in a way that @-mentions someone else.)"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, time

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, col, select

from gridbot.bot.scenario import ScenarioPlay
from gridbot.clock import SHANGHAI, local
from gridbot.notices import reminders
from gridbot.notices.base import Notice
from gridbot.settings import Settings
from gridbot.storage.database import create_schema, make_engine
from gridbot.storage.models import OutboxMessage
from tests.helpers import load_example_org

START = datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)
END = datetime(2026, 4, 9, 9, 0, tzinfo=SHANGHAI)
URGENT_REF = "E5"  # the warning of Saturday night
SUBJECT = re.compile(r"[ED]\d+")
TIMED = {  # the outbox template of every notice the clock sends (gridbot/notices/reminders.py)
    object.__new__(cls).key  # `key` is the class's name; no fields needed
    for cls in vars(reminders).values()
    if isinstance(cls, type) and issubclass(cls, Notice) and cls is not Notice
}
DIRECTIVE = (
    "【部门指令】\n事项：燃气安全入户宣传\n类别：应急管理\n类型：政策宣传\n网格：红旗村一网格\n"
    "要求：入户发放宣传单并拍照\n截止：4月8日"
)

# (when, who, group, what): Wednesday evening reports, Thursday's dispatches, a Friday-night report before the
# holiday, a warning on Saturday night, a directive on the Sunday, its review and a resolution late on Tuesday.
WEEK = [
    ("2026-04-01 19:30", "刘洋", "红旗村一网格群", "#上报 红旗村2组路灯不亮，晚上一片漆黑"),
    ("2026-04-01 19:31", "刘洋", "红旗村一网格群", "上报中心 E1 需要专业电工维修"),
    ("2026-04-01 21:40", "马婷", "红旗村二网格群", "#上报 红旗村3组井盖丢了，夜里容易踩空"),
    ("2026-04-01 21:41", "马婷", "红旗村二网格群", "上报中心 E2 需要更换井盖"),
    ("2026-04-02 09:10", "林坐席", "永乐镇网格中心群", "派单 E1 综合执法队"),
    ("2026-04-02 09:11", "林坐席", "永乐镇网格中心群", "派单 E2 综合执法队"),
    ("2026-04-02 12:30", "高峰", "前进社区网格群", "#上报 前进路人行道地砖松动"),
    ("2026-04-02 17:50", "田队长", "综合执法队群", "签收 E1"),
    ("2026-04-03 20:30", "马婷", "红旗村二网格群", "#上报 红旗村4组排水沟堵塞，雨后污水漫到路面"),
    ("2026-04-03 20:31", "马婷", "红旗村二网格群", "上报中心 E4 需要疏通"),
    ("2026-04-04 21:30", "刘洋", "红旗村一网格群", "#预警 红旗村2组十几个人聚集拉横幅讨说法，情绪激动"),
    ("2026-04-05 15:00", "唐站长", "安监站群", DIRECTIVE),
    ("2026-04-07 16:00", "林坐席", "永乐镇网格中心群", "通过 D1"),
    ("2026-04-07 20:45", "田队长", "综合执法队群", "办结 E1 已更换灯泡，恢复照明"),
]


def moment(when: str) -> datetime:
    return datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def in_quiet_hours(at: datetime) -> bool:
    clock = local(at).time()
    return clock >= time(21, 0) or clock < time(7, 30)


def about(row: OutboxMessage, ref: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){ref}(?![0-9])", row.text) is not None


async def play_the_week(engine: Engine) -> None:
    play = ScenarioPlay(engine, Settings(), START)
    for when, who, group, what in WEEK:
        await play.advance_to(moment(when))
        await play.send({"by": who, "in": group}, "text", what)
    await play.advance_to(END)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory, _postgres_schema: Engine | None) -> list[OutboxMessage]:
    """The outbox of the week, played once for the tests below (a store of its own, as the `engine` fixture)."""
    if _postgres_schema is None:
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('week') / 'gridbot.db'}")
        create_schema(engine)
    else:
        engine = _postgres_schema
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    load_example_org(engine)
    asyncio.run(play_the_week(engine))
    with Session(engine) as session:
        rows = list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())
    if _postgres_schema is None:
        engine.dispose()
    return rows


def test_the_timed_notices_are_the_reminders_and_overdue_notices() -> None:
    assert {"reminder_accept", "overdue_accept", "reminder_center_pending", "overdue_verify", "task_overdue"} <= TIMED


def test_nothing_timed_about_a_non_urgent_matter_is_sent_at_night(week: list[OutboxMessage]) -> None:
    at_night = [
        (f"{local(r.created_at):%m-%d %H:%M}", r.conversation, r.text.splitlines()[0])
        for r in week
        if r.template in TIMED and in_quiet_hours(r.created_at) and not about(r, URGENT_REF)
    ]
    assert at_night == []


def test_nobody_is_mentioned_at_night_about_a_non_urgent_matter(week: list[OutboxMessage]) -> None:
    at_night = [
        (f"{local(r.created_at):%m-%d %H:%M}", r.conversation, r.mentions, r.text.splitlines()[0])
        for r in week
        if r.mentions and in_quiet_hours(r.created_at) and not about(r, URGENT_REF)
    ]
    assert at_night == []


def test_the_urgent_warning_is_announced_at_night(week: list[OutboxMessage]) -> None:
    night = [
        (f"{local(r.created_at):%m-%d %H:%M}", r.template, r.mentions)
        for r in week
        if about(r, URGENT_REF) and r.template in TIMED
    ]
    # In the center's queue at 21:30 on Saturday, 4 natural hours to dispatch: 23:30, 00:30 and 01:30.
    assert night == [
        ("04-04 23:30", "reminder_center_pending", ["林坐席"]),
        ("04-05 00:30", "reminder_center_pending", ["林坐席"]),
        ("04-05 01:30", "overdue_center_pending", ["林坐席"]),
    ]


def test_no_timed_notice_about_a_non_urgent_matter_falls_on_the_holiday(week: list[OutboxMessage]) -> None:
    holiday = [
        (f"{local(r.created_at):%m-%d %H:%M}", r.template)
        for r in week
        if r.template in TIMED and local(r.created_at).day in (4, 5, 6) and not about(r, URGENT_REF)
    ]
    assert holiday == []


def test_the_week_had_its_reminders_in_working_hours(week: list[OutboxMessage]) -> None:
    timed = {
        (f"{local(r.created_at):%m-%d %H:%M}", r.template, ref.group() if (ref := SUBJECT.search(r.text)) else "")
        for r in week
        if r.template in TIMED and not about(r, URGENT_REF)
    }
    assert {
        # E1 and E2 reported on Wednesday evening, dispatched on Thursday morning: E2 (井盖) has 1 working hour to
        # accept, E1 (路灯) 2; reminders halfway, overdue at the limit.
        ("04-02 09:41", "reminder_accept", "E2"),
        ("04-02 10:10", "reminder_accept", "E1"),
        ("04-02 10:11", "overdue_accept", "E2"),
        # E1 accepted at 17:50 on Thursday: 2 working days to resolve, Friday and (after 清明) Tuesday.
        ("04-07 17:50", "overdue_resolve", "E1"),
        # E4, in the center from Friday 20:30 over the holiday: 4 working hours from Tuesday 08:30.
        ("04-07 14:30", "overdue_center_pending", "E4"),
        # D1, for review since Sunday (a holiday): 4 working hours from Tuesday 08:30 too.
        ("04-07 14:30", "overdue_review", "D1"),
        # E1, resolved at 20:45 on Tuesday: one working day to verify, due on Wednesday at 18:00.
        ("04-08 18:00", "overdue_verify", "E1"),
        # E3, open in its grid since Thursday 12:30: three working days later.
        ("04-08 12:00", "reminder_open", "E3"),
        # D1's task is due at the end of 8 April (23:59, as written): an hour of working time before it, the
        # reminder; its overdue notice waits for the morning.
        ("04-08 17:00", "task_due_reminder", "D1"),
        ("04-09 07:30", "task_overdue", "D1"),
    } <= timed
