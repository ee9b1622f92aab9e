"""`gridbot chat`: pick a person and a group, type, see the replies and the posts to every group."""

from __future__ import annotations

from sqlalchemy import Engine

from gridbot.bot.chat import ChatSession
from gridbot.settings import Settings
from tests.helpers import START, load_example_org


async def test_a_terminal_conversation_shows_replies_and_posts_to_every_group(engine: Engine) -> None:
    load_example_org(engine)
    chat = ChatSession(engine, Settings(), START)
    assert await chat.handle("#上报 红旗村1组路灯不亮") == ["请先用 /as 姓名 和 /in 群名 选择发言人和群。"]
    assert await chat.handle("/as 刘洋") == []
    assert await chat.handle("/in 红旗村一网格群") == []
    assert chat.prompt() == "[04-01 09:00 刘洋@红旗村一网格群]> "

    reported = await chat.handle("#上报 红旗村1组路灯不亮，电话13800138000")
    escalated = await chat.handle("上报中心 E1 需要电工")

    assert any(line.startswith("  [红旗村一网格群]") and "E1" in line for line in reported)
    assert any(
        line.startswith("  [永乐镇网格中心群]") and "待派单" in line and "138****8000" in line for line in escalated
    )
    assert await chat.handle("大家辛苦了") == []


async def test_waiting_in_the_terminal_runs_due_work(engine: Engine) -> None:
    load_example_org(engine)
    chat = ChatSession(engine, Settings(), START)
    await chat.handle("/as 刘洋")
    await chat.handle("/in 红旗村一网格群")
    await chat.handle("#上报 红旗村1组路灯不亮")

    lines = await chat.handle("/wait 1d")

    assert any("永乐镇领导群" in line and "日报" in line for line in lines)
    assert chat.prompt().startswith("[04-02 09:00")
    assert await chat.handle("/in 不存在的群") == ["没有这个群：不存在的群。用 /groups 查看"]
