"""Every conversation scenario under tests/scenarios/ and ../shared/scenarios/ passes, on the backend under test."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gridbot.bot.scenario import run_scenario, scenario_files
from gridbot.settings import Settings
from tests.conftest import DATABASE_URL, SHARED

HERE = Path(__file__).parent
FILES = scenario_files([str(HERE), str(SHARED / "scenarios")])


def test_the_shared_examples_are_found() -> None:
    assert any(path.is_relative_to(SHARED) for path in FILES), f"no scenarios under {SHARED / 'scenarios'}"
    assert sum(1 for path in FILES if path.is_relative_to(HERE)) >= 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_passes(path: Path) -> None:
    result = asyncio.run(run_scenario(path, Settings(database_url=DATABASE_URL)))
    assert result.passed, result.line()
