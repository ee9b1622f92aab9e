"""A group is found by its channel binding without reading every group per message, and an import that changes
bindings is seen at once."""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlmodel import Session

from gridbot.storage import org_repo
from tests.helpers import load_example_org


def statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(str(args[2])))
    return seen


def test_a_binding_finds_its_group_and_a_reimport_moves_it(engine: Engine) -> None:
    load_example_org(engine, "bindings:\n  红旗村一网格群: {wecom_chat_id: CHAT-1}\n")
    with Session(engine) as session:
        found = org_repo.group_by_binding(session, "wecom_chat_id", "CHAT-1")
        assert found is not None and found.name == "红旗村一网格群"
        assert org_repo.group_by_binding(session, "wecom_chat_id", "CHAT-2") is None
        seen = statements(engine)
        org_repo.group_by_binding(session, "wecom_chat_id", "CHAT-1")
        assert len(seen) <= 2  # the organisation's version, then the one group
        assert not any('FROM "group"' in s and "WHERE" in s and "active" in s for s in seen)

    load_example_org(engine, "bindings:\n  红旗村一网格群: {wecom_chat_id: CHAT-2}\n")
    with Session(engine) as session:
        moved = org_repo.group_by_binding(session, "wecom_chat_id", "CHAT-2")
        assert moved is not None and moved.name == "红旗村一网格群"
        assert org_repo.group_by_binding(session, "wecom_chat_id", "CHAT-1") is None


def test_configured_bindings_count_too(engine: Engine) -> None:
    load_example_org(engine)
    configured = {"前进社区网格群": {"gateway_room": "room-9"}}
    with Session(engine) as session:
        found = org_repo.group_by_binding(session, "gateway_room", "room-9", configured)
        assert found is not None and found.name == "前进社区网格群"
        assert org_repo.group_by_binding(session, "gateway_room", "room-9") is None
