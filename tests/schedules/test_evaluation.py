"""Two-way evaluation: departments rate grid workers, grid workers and centers rate departments (双向考核)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SimulatedClock
from gridbot.governance.scores import ranking, update_ledger
from gridbot.periods import month_of
from gridbot.settings import Settings
from gridbot.storage.stats import department_figures
from tests.helpers import START, load_example_org, text_message

CONVERSATION = [
    ("#上报 红旗村1组排水沟堵塞，污水漫到路面", "刘洋", "红旗村一网格群"),
    ("上报中心 E1 需要机械清淤", "刘洋", "红旗村一网格群"),
    ("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群"),
    ("签收 E1", "田队长", "综合执法队群"),
    ("办结 E1 已清淤", "田队长", "综合执法队群"),
    ("核查 E1 通过", "林坐席", "永乐镇网格中心群"),
    ("评价 E1 满意 来得很快", "刘洋", "红旗村一网格群"),
    ("评价 E1 基本满意", "林坐席", "永乐镇网格中心群"),
    ("评价 E1 基本满意 现场照片少", "田队长", "综合执法队群"),
]


def test_ratings_are_aggregated_per_department_and_per_grid_worker(engine: Engine) -> None:
    load_example_org(engine)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(START))
    for text, by, group in CONVERSATION:
        dispatcher.handle(text_message(text, by, group))

    period = month_of("2026-04")
    with Session(engine) as session:
        update_ledger(session, Settings(), START)
        departments = {d.name: d for d in department_figures(session, start=period.start, end=period.end)}
        workers = {r.name: r for r in ranking(session, "2026-04")}

    team = departments["综合执法队"]
    assert (team.dispatched, team.accepted_on_time, team.resolved_on_time, team.returns) == (1, 1, 1, 0)
    assert team.ratings == 2 and team.average_rating == 90.0  # 满意 (grid) and 基本满意 (center)
    liu = workers["刘洋"]
    assert liu.ratings == 1 and liu.average_rating == 80.0  # 基本满意 from the department
    assert liu.details == {"上报": 1.0}
