"""Imported external records (摸排任务)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gridbot.notices.base import Notice
from gridbot.notices.wording import when


@dataclass(frozen=True, slots=True)
class InvestigationTask(Notice):
    ref: str
    source: str
    description: str
    occurred_at: datetime
    missed: bool

    def text(self) -> str:
        note = "\n该事项属预警类，本网格事前未预警，记为未报。" if self.missed else ""
        return (
            f"🔎【摸排任务】{self.ref}（来源：{self.source}，{when(self.occurred_at)}）\n{self.description}\n"
            f"请核实情况后发：办结 {self.ref} 摸排结果{note}"
        )


@dataclass(frozen=True, slots=True)
class RecordsImported(Notice):
    imported: int
    missed: int

    def text(self) -> str:
        return f"导入外部记录完成：新增 {self.imported} 条摸排任务，其中未报预警 {self.missed} 条"
