"""The daily digest carries a chart of events by sector (a CJK font is installed by the project's set-up)."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.clock import SimulatedClock
from gridbot.schedules.charts import cjk_font
from gridbot.schedules.runner import DueWork
from gridbot.settings import Settings
from gridbot.storage.models import OutboxMessage
from tests.helpers import START, load_example_org, text_message


def test_the_project_set_up_installed_a_cjk_font() -> None:
    assert cjk_font() is not None, "make's set-up installs fonts-wqy-microhei; charts need Chinese glyphs"


def test_the_digest_has_a_png_chart_of_yesterdays_events(engine: Engine) -> None:
    load_example_org(engine)
    dispatcher = Dispatcher(engine, Settings(), SimulatedClock(START))
    dispatcher.handle(text_message("#上报 红旗村1组路边垃圾堆积", "刘洋", "红旗村一网格群"))
    dispatcher.handle(text_message("#上报 红旗村3组路灯不亮", "马婷", "红旗村二网格群"))

    DueWork(engine, Settings(), since=START).run(START + timedelta(days=1) - timedelta(hours=1))

    with Session(engine) as session:
        digests = session.exec(select(OutboxMessage).where(OutboxMessage.template == "digest")).all()
    assert {d.conversation for d in digests} == {"永乐镇领导群", "新区领导群"}
    for digest in digests:
        assert digest.image_png is not None
        assert base64.b64decode(digest.image_png).startswith(b"\x89PNG\r\n\x1a\n")
