"""The catalog of grid items (入格事项) as plain data the parser can read.

Pure value objects: the storage layer and the YAML loader build them, the parser only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

SECTOR_NAMES: tuple[str, ...] = (
    "党建",
    "12345热线",
    "宗教",
    "综治",
    "司法",
    "信访",
    "文化出版",
    "文化旅游",
    "教育",
    "卫生健康",
    "劳动保障",
    "金融",
    "资源规划",
    "环境保护",
    "住房保障",
    "城市管理",
    "交通运输",
    "民生保障",
    "应急管理",
    "市场监管",
    "政务服务",
    "警务",
    "消防",
    "气象",
)
"""The 24 sectors (大类) of workflow.md §2, in the plan's order."""


class ClosureStandard(StrEnum):
    """How an item closes (办结标准分类)."""

    COORDINATION = "coordination"  # closed once it enters coordination (信访, 矛盾纠纷, complex items)
    RESOLUTION = "resolution"  # closed only when resolved and verified


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One item (小类) of a sector."""

    code: str
    name: str
    sector: str
    keywords: tuple[str, ...]
    closure: ClosureStandard = ClosureStandard.RESOLUTION
    warning: bool = False
    accept_hours: float = 2.0
    resolve_hours: float = 72.0
    working_days: bool = False  # retired: limits count working time unless urgent (governance/deadlines.py)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sector:
    """One sector (大类): its name, a short code and the words that name it directly."""

    name: str
    code: str
    synonyms: tuple[str, ...] = ()
    items: tuple[CatalogItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    """The whole catalog, with lookups by name, code and synonym."""

    sectors: tuple[Sector, ...]
    _by_code: dict[str, CatalogItem] = field(init=False, repr=False, compare=False)
    _by_sector: dict[str, Sector] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {i.code: i for s in self.sectors for i in s.items})
        object.__setattr__(self, "_by_sector", {s.name: s for s in self.sectors})

    @property
    def items(self) -> tuple[CatalogItem, ...]:
        return tuple(i for s in self.sectors for i in s.items)

    def item(self, code: str) -> CatalogItem | None:
        return self._by_code.get(code)

    def sector(self, name: str) -> Sector | None:
        return self._by_sector.get(name)
