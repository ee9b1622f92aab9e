"""docs/operations.md lists every configuration key the settings have."""

from __future__ import annotations

from pathlib import Path

from gridbot.settings import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


def test_every_setting_is_documented_in_operations() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"GRIDBOT_{name.upper()}" not in text]
    assert missing == []
