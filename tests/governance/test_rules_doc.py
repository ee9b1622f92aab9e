"""docs/permissions.md is the permission table and the state machines as they are in the code."""

from __future__ import annotations

from gridbot.governance.permissions import Action
from gridbot.governance.rules_doc import PAGE, page
from gridbot.notices.forms import ACTION_FORMS, ACTION_LABELS


def test_the_permissions_page_matches_the_code() -> None:
    assert PAGE.read_text(encoding="utf-8") == page(), "run: python -m gridbot.governance.rules_doc"


def test_the_page_shows_every_refusal_as_a_dash_and_every_grant_by_its_place() -> None:
    text = page()
    assert "| 完成指令 | `task.complete` | 本网格群 | — |" in text
    assert "| 上报新区 | `event.escalate_district` |" in text and "本镇中心群" in text


def test_every_action_has_a_name_and_a_form_people_can_be_shown() -> None:
    assert [a for a in Action if a.value not in ACTION_LABELS or a.value not in ACTION_FORMS] == []
