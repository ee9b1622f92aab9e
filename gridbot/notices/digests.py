"""Digests (日报/周报/月报) and the monthly ranking."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gridbot.notices.base import Notice
from gridbot.notices.wording import percent
from gridbot.storage.stats import DigestFigures


@dataclass(frozen=True, slots=True)
class Digest(Notice):
    name: str
    place: str
    period: str
    created: int
    by_level: Mapping[int, int]
    by_sector: Sequence[tuple[str, int]]
    closed: int
    shares: Mapping[int, float]
    warnings: tuple[int, int, int, int]
    flags: Mapping[str, Mapping[str, int]]
    open_overdue: int
    directives: Sequence[tuple[str, str, int, int]]
    silent_grids: Sequence[str]
    image: str | None = None  # the chart, a base64 PNG
    overdue_at_centers: tuple[int, int, int] = (0, 0, 0)  # of open_overdue: 待派单, 待核查 events; 待审核 directives

    def attachment(self) -> str | None:
        return self.image

    def text(self) -> str:
        sectors = "、".join(f"{sector} {count}" for sector, count in self.by_sector) or "无"
        total, true, false, late = self.warnings
        flag_lines = "\n".join(
            f"· {department}：" + "、".join(f"{flag} {n}" for flag, n in items.items())
            for department, items in self.flags.items()
        )
        directive_lines = "\n".join(
            f"· {ref} {title}：{done}/{total_tasks}" for ref, title, done, total_tasks in self.directives
        )
        return (
            f"📊【{self.place}{self.name}】{self.period}\n"
            f"新增事件 {self.created} 件（一级 {self.by_level.get(1, 0)}"
            f"、二级 {self.by_level.get(2, 0)}、三级 {self.by_level.get(3, 0)}）\n"
            f"按大类：{sectors}\n"
            f"办结 {self.closed} 件：小事不出网格 {percent(self.shares.get(1, 0.0))}，"
            f"大事不出街镇 {percent(self.shares.get(2, 0.0))}，"
            f"难事不出新区 {percent(self.shares.get(3, 0.0))}\n"
            f"预警 {total} 件（属实 {true}、不属实 {false}、迟报 {late}）\n"
            f"超时未办 {self.open_overdue} 件{self._at_centers()}"
            + (f"\n超时和标记：\n{flag_lines}" if flag_lines else "")
            + (f"\n指令进度：\n{directive_lines}" if directive_lines else "")
            + f"\n沉默网格（近期无上报）：{'、'.join(self.silent_grids) if self.silent_grids else '无'}"
        )

    def _at_centers(self) -> str:
        pending, verify, review = self.overdue_at_centers
        parts = [
            f"{label} {count}"
            for label, count in (("中心待派单", pending), ("中心待核查", verify), ("指令待审核", review))
            if count
        ]
        return f"（其中{'、'.join(parts)}）" if parts else ""


def digest(figures: DigestFigures, *, name: str, place: str, period: str, chart: str | None = None) -> Digest:
    """The digest of a place's figures (scheduled, or asked for with 日报/统计)."""
    return Digest(
        name=name,
        place=place,
        period=period,
        created=figures.created,
        by_level=dict(figures.by_level),
        by_sector=figures.by_sector.most_common(),
        closed=figures.closed,
        shares={level: figures.share(level) for level in (1, 2, 3)},
        warnings=(figures.warnings, figures.warnings_true, figures.warnings_false, figures.warnings_late),
        flags={department: dict(flags) for department, flags in figures.flags_by_department.items()},
        open_overdue=figures.open_overdue,
        overdue_at_centers=(figures.overdue_pending, figures.overdue_verify, figures.overdue_review),
        directives=figures.directives,
        silent_grids=figures.silent_grids,
        image=chart,
    )


@dataclass(frozen=True, slots=True)
class Ranking(Notice):
    """`rows`: (rank, name, grid, score), best first; equal scores share a rank."""

    place: str
    period: str
    rows: Sequence[tuple[int, str, str, float]]

    def text(self) -> str:
        lines = "\n".join(f"{rank}. {name}（{grid}）{score:g} 分" for rank, name, grid, score in self.rows)
        return f"🏆【{self.place}专职网格员排名】{self.period}\n{lines or '本月无得分记录'}"
