"""The packages import only downwards: bot → schedules → governance → notices → storage → intents."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gridbot"
# Each package, and the packages it must never import (those above it).
FORBIDDEN = {
    "schedules": ("gridbot.bot",),
    "governance": ("gridbot.bot", "gridbot.schedules"),
    "notices": ("gridbot.bot", "gridbot.schedules", "gridbot.governance"),
    "storage": ("gridbot.bot", "gridbot.schedules", "gridbot.governance", "gridbot.notices"),
    "intents": ("gridbot.bot", "gridbot.schedules", "gridbot.governance", "gridbot.notices", "gridbot.storage"),
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_one_above_it(package: str) -> None:
    offending = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in sorted((PACKAGE / package).rglob("*.py"))
        for module in imported_modules(path)
        if module.startswith(FORBIDDEN[package])
    ]
    assert offending == []
