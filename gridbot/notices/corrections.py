"""A reporter's corrections and withdrawals, quality checks (抽查) and ratings (评价)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridbot.notices.base import Notice


@dataclass(frozen=True, slots=True)
class CategoryUnknown(Notice):
    ref: str
    category: str

    def text(self) -> str:
        return f"没有“{self.category}”这个类别。请写大类名称，例如：更正 {self.ref} 类别：城市管理"


@dataclass(frozen=True, slots=True)
class CorrectNeedsField(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明要更正的内容，例如：更正 {self.ref} 地点：东村4组"


@dataclass(frozen=True, slots=True)
class Corrected(Notice):
    ref: str
    fields: Sequence[str]

    def text(self) -> str:
        labels = {
            "location": "地点",
            "occurred_at": "时间",
            "phones": "电话",
            "id_numbers": "身份证号",
            "persons": "涉及人员",
            "before": "处置前",
            "after": "处置后",
            "description": "描述",
            "sector": "类别",
            "item_code": "事项",
            "category_confirmed": "",
        }
        names = "、".join(dict.fromkeys(labels[f] for f in self.fields if labels.get(f)))
        return f"✅ {self.ref} 已更正：{names}。"


@dataclass(frozen=True, slots=True)
class Withdrawn(Notice):
    ref: str

    def text(self) -> str:
        return f"{self.ref} 已撤回。"


@dataclass(frozen=True, slots=True)
class CheckNeedsVerdict(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明抽查结果：抽查 {self.ref} 合格 / 抽查 {self.ref} 不合格 理由"


@dataclass(frozen=True, slots=True)
class CheckPassed(Notice):
    ref: str

    def text(self) -> str:
        return f"✅ {self.ref} 抽查合格。"


@dataclass(frozen=True, slots=True)
class CheckFailed(Notice):
    ref: str
    reason: str

    def text(self) -> str:
        return f"{self.ref} 抽查不合格（{self.reason}），已删除并通报。"


@dataclass(frozen=True, slots=True)
class CheckFailedNotice(Notice):
    ref: str
    grid: str
    reason: str

    def text(self) -> str:
        return f"📢【通报】{self.grid} 的 {self.ref} 抽查不合格：{self.reason}。该事件已删除，不计入统计。"


@dataclass(frozen=True, slots=True)
class RateNeedsVerdict(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明评价：评价 {self.ref} 满意 / 基本满意 / 不满意"


@dataclass(frozen=True, slots=True)
class Rated(Notice):
    ref: str
    verdict: str

    def text(self) -> str:
        return f"已记录对 {self.ref} 的评价：{self.verdict}。谢谢！"


@dataclass(frozen=True, slots=True)
class AlreadyRated(Notice):
    ref: str
    verdict: str

    def text(self) -> str:
        return f"您已评价过 {self.ref}（{self.verdict}），每人对一个事件只评价一次。"
