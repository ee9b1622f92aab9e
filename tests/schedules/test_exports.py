"""Tables for the terminal and Excel pass their text through the masking, numbers stay numbers."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from gridbot.schedules.exports import text_table, write_xlsx

HEADER = ("名称", "备注", "数")
ROWS = [("东村第一网格", "联系 13800138000，座机029-8888 6666", 3), ("E12", "2026-04-08 08:30-12:00", 2.5)]


def test_text_table_masks_text_cells() -> None:
    table = text_table(HEADER, ROWS)
    assert "联系 138****8000，座机029-****6666\t3" in table
    assert "E12\t2026-04-08 08:30-12:00\t2.5" in table
    assert "13800138000" not in table and "8888 6666" not in table


def test_xlsx_masks_text_cells_and_keeps_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx(path, "表", HEADER, ROWS)
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == ["东村第一网格", "联系 138****8000，座机029-****6666", 3]
    assert values[2] == ["E12", "2026-04-08 08:30-12:00", 2.5]
