"""Every conversation scenario under tests/scenarios/ passes, on the backend under test."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridbot.bot.scenario import run_scenario, scenario_files
from gridbot.settings import Settings
from tests.conftest import DATABASE_URL

HERE = Path(__file__).parent
FILES = scenario_files([str(HERE)])
EXAMPLES = (
    "example-01-self-resolved",
    "example-02-level-two",
    "example-03-directive",
    "example-04-digest",
    "example-05-silence",
)


def test_the_examples_and_the_other_folders_are_collected() -> None:
    examples = {path.stem for path in FILES if path.parent == HERE / "examples"}
    assert examples >= set(EXAMPLES), f"missing examples under {HERE / 'examples'}: {set(EXAMPLES) - examples}"
    folders = {path.parent.name for path in FILES}
    assert folders >= {"examples", "blind", "directives", "flow", "time"}, folders


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_passes(path: Path) -> None:
    result = asyncio.run(run_scenario(path, Settings(database_url=DATABASE_URL)))
    assert result.passed, result.line()
