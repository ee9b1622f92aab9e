"""Small builders shared by tests (no fakes of our own code: these only prepare real state)."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from sqlalchemy import Engine

from gridbot.bot.messages import IncomingMessage
from gridbot.clock import SHANGHAI
from gridbot.storage.database import transaction
from gridbot.storage.importers import import_org_node
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
