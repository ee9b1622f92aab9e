"""Small builders shared by tests (no fakes of our own code: these only prepare real state)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import count

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.messages import IncomingMessage
from gridbot.clock import SHANGHAI, SimulatedClock
from gridbot.settings import Settings
from gridbot.storage.database import transaction
from gridbot.storage.importers import import_org_node
from gridbot.storage.models import OutboxMessage
from gridbot.storage.yamlfile import load_yaml_text
from tests.conftest import fixture_file

START = datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)
_ids = count(1)


def load_example_org(engine: Engine, extra: str = "") -> None:
    """The example organisation of tests/fixtures (红旗村, 前进社区, 永乐镇, 西咸新区), plus optional YAML appended."""
    text = fixture_file("org-example.yaml").read_text(encoding="utf-8") + extra
    with transaction(engine) as session:
        import_org_node(session, load_yaml_text(text), now=START)


def text_message(
    text: str, by: str, group: str, *, at: datetime = START, message_id: str | None = None
) -> IncomingMessage:
    return IncomingMessage(
        channel="simulator",
        message_id=message_id or f"t{next(_ids)}",
        conversation=group,
        sender=by,
        sent_at=at,
        text=text,
    )


Say = Callable[[str, str, str], str]
DIRECTIVE = (
    "【部门指令】\n事项：燃气安全入户宣传\n类别：应急管理\n类型：政策宣传\n网格：全镇\n"
    "要求：入户发放燃气安全宣传单并拍照\n截止：4月8日18时"
)


def conversation(engine: Engine, extra: str = "", settings: Settings | None = None) -> Say:
    """The example organisation and a dispatcher: `say(text, by, group)` → the bot's answer to it (joined)."""
    load_example_org(engine, extra)
    dispatcher = Dispatcher(engine, settings or Settings(), SimulatedClock(START))

    def say(text: str, by: str, group: str) -> str:
        handled = dispatcher.handle(text_message(text, by, group))
        with Session(engine) as session:
            query = select(OutboxMessage).where(OutboxMessage.in_reply_to == handled.inbox_id)
            return "\n".join(row.text for row in session.exec(query.order_by(col(OutboxMessage.id))).all())

    return say
