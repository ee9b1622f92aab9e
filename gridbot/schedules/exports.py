"""Tables for the terminal and Excel: the monthly ranking and the department figures (openpyxl).

Every text cell goes through the masking of personal numbers (`intents/masking.py`), as everything the bot prints;
the figures themselves (names, counts, scores) hold none, so nothing is lost."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from gridbot.governance.scores import RankRow
from gridbot.intents.masking import mask_text
from gridbot.storage.stats import DepartmentFigures

RANKING_HEADER = ("名次", "专职网格员", "网格", "得分", "明细", "部门评价")
DEPARTMENT_HEADER = ("部门", "派单", "按时签收", "按时办结", "退回", "超时标记", "评价数", "平均评价")


def ranking_rows(rows: Sequence[RankRow]) -> list[tuple[object, ...]]:
    return [
        (
            r.rank,
            r.name,
            r.grid,
            r.score,
            "，".join(f"{k} {v:+g}" for k, v in r.details.items()) or "—",
            f"{r.average_rating:.0f}（{r.ratings} 次）" if r.average_rating is not None else "—",
        )
        for r in rows
    ]


def department_rows(rows: Sequence[DepartmentFigures]) -> list[tuple[object, ...]]:
    return [
        (
            r.name,
            r.dispatched,
            r.accepted_on_time,
            r.resolved_on_time,
            r.returns,
            r.overdue,
            r.ratings,
            f"{r.average_rating:.0f}" if r.average_rating is not None else "—",
        )
        for r in rows
    ]


def _cell(value: object) -> object:
    return mask_text(value) if isinstance(value, str) else value


def text_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["\t".join(header)]
    lines += ["\t".join(mask_text(str(v)) if not isinstance(v, float) else f"{v:g}" for v in row) for row in rows]
    return "\n".join(lines)


def write_xlsx(path: Path, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column) * 2 + 2
        sheet.column_dimensions[column[0].column_letter].width = min(width, 60)
    workbook.save(path)
