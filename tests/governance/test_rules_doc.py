"""docs/permissions.md is the permission table and the state machines as they are in the code."""

from __future__ import annotations

from gridbot.governance.rules_doc import PAGE, page


def test_the_permissions_page_matches_the_code() -> None:
    assert PAGE.read_text(encoding="utf-8") == page(), "run: python -m gridbot.governance.rules_doc"


def test_the_page_shows_every_refusal_as_a_dash_and_every_grant_by_its_place() -> None:
    text = page()
    assert "| 完成指令 | `task.complete` | 本网格群 | — |" in text
    assert "| 上报新区 | `event.escalate_district` |" in text and "本镇中心群" in text
