"""`gridbot demo`: the demo organisation in ./gridbot.db, then a short day of the town played through the bot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from gridbot.bot.chat import ChatSession
from gridbot.clock import SHANGHAI, local
from gridbot.intents.masking import mask_text
from gridbot.settings import Settings
from gridbot.storage.fresh import fresh_store


def demo_script(start: datetime) -> list[tuple[str, str, str]]:
    """(person, group, text) lines of a typical day; the directive's deadline is three days ahead."""
    deadline = local(start) + timedelta(days=3)
    return [
        (
            "王芳",
            "东村第一网格群",
            "【事件上报】\n类别：环境保护\n地点：东村3组\n处置前：路边倒了一堆建筑垃圾\n处置后：已联系保洁清运干净",
        ),
        ("李强", "东村第二网格群", "#上报 东村5组排水沟堵了，污水漫到路面，联系电话13912345678"),
        ("李强", "东村第二网格群", "上报中心 E2 需要机械清淤"),
        ("窦坐席", "永乐镇网格中心群", "派单 E2 城建环保办"),
        ("陶科长", "城建环保办群", "签收 E2"),
        ("陶科长", "城建环保办群", "办结 E2 已用吸污车清淤，路面冲洗干净"),
        ("窦坐席", "永乐镇网格中心群", "核查 E2 通过"),
        ("周伟", "西村第二网格群", "#预警 西村5组两户因宅基地吵起来了，一方扬言要动手"),
        ("窦坐席", "永乐镇网格中心群", "核实 E3 属实"),
        (
            "戚主任",
            "应急办群",
            "【部门指令】\n事项：燃气安全入户宣传\n类别：应急管理\n类型：政策宣传\n网格：东村\n"
            f"要求：入户发放宣传单并拍照留存\n截止：{deadline.month}月{deadline.day}日18时",
        ),
        ("窦坐席", "永乐镇网格中心群", "通过 D1"),
        ("王芳", "东村第一网格群", "收到 D1"),
        ("王芳", "东村第一网格群", "完成 D1 已入户宣传45户"),
        ("王芳", "东村第一网格群", "大家辛苦了"),
        ("朱书记", "东村第一网格群", "查询 E1"),
    ]


async def play_demo(
    settings: Settings, now: datetime, org_loader: Callable[..., None], say: Callable[[str], None]
) -> None:
    """Play the script on a fresh in-memory store, then let the night pass until the morning digest."""
    start = datetime.combine(local(now).date(), time(9, 0), SHANGHAI)
    with fresh_store("sqlite://") as engine:
        org_loader(engine, None)
        chat = ChatSession(engine, settings, start)
        for person, group, text in demo_script(start):
            await chat.handle(f"/as {person}")
            await chat.handle(f"/in {group}")
            say(f"\n{person}（{group}）：{mask_text(text)}")  # the demo prints no personal data whole
            for line in await chat.handle(text.replace("\n", "\\n")):
                say(line)
        say("\n……第二天早上 08:05 ……")
        for line in await chat.handle("/wait 1385m"):  # until 08:05 the next morning
            say(line)
