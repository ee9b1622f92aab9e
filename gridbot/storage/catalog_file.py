"""Reading and checking a catalog file (`gridbot import catalog FILE.yaml`, and the shipped default).

Format (UTF-8 YAML)::

    sectors:
      - name: 环境保护            # one of the 24 sectors
        code: HB                  # two letters, unique
        synonyms: [环保, 生态环境]   # words that name the sector itself
        items:
          - code: HB01            # unique in the whole catalog
            name: 秸秆/垃圾露天焚烧
            keywords: [烧秸秆, 焚烧, 烧垃圾, 冒烟]   # at least 4
            closure: resolution   # or coordination
            warning: true         # 预警类
            accept_hours: 1       # hours to accept (签收)
            resolve_hours: 24     # hours to resolve, or to enter coordination
            working_days: false   # retired: read and ignored (every non-urgent limit counts working time)
            note: ""              # optional
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from gridbot.intents.catalog import SECTOR_NAMES, Catalog, CatalogItem, ClosureStandard, Sector
from gridbot.storage.yamlfile import ImportFileError, Node, load_yaml_file, load_yaml_text

MIN_KEYWORDS = 4
DEFAULT_CATALOG_RESOURCE = "catalog.yaml"


def _require(node: Node, key: str, where: str) -> Node:
    found = node.get(key)
    if found is None or found.value in (None, ""):
        raise ImportFileError(f"{where}缺少“{key}”", node.line)
    return found


def _text(node: Node, key: str, where: str) -> str:
    found = _require(node, key, where)
    if not isinstance(found.value, str | int):
        raise ImportFileError(f"{where}的“{key}”应为文字，实际为“{found.plain()}”", found.line)
    return str(found.value).strip()


def _words(node: Node | None, where: str) -> tuple[str, ...]:
    if node is None or node.value is None:
        return ()
    if not isinstance(node.value, list):
        raise ImportFileError(f"{where}应为列表，实际为“{node.plain()}”", node.line)
    words: list[str] = []
    for child in node.value:
        if not isinstance(child.value, str | int) or not str(child.value).strip():
            raise ImportFileError(f"{where}中有无效的词“{child.plain()}”", child.line)
        words.append(str(child.value).strip())
    return tuple(words)


def _hours(node: Node, key: str, default: float, where: str) -> float:
    found = node.get(key)
    if found is None:
        return default
    value = found.value
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ImportFileError(f"{where}的“{key}”应为正数（小时），实际为“{value}”", found.line)
    return float(value)


def _flag(node: Node, key: str, where: str) -> bool:
    found = node.get(key)
    if found is None:
        return False
    if not isinstance(found.value, bool):
        raise ImportFileError(f"{where}的“{key}”应为 true 或 false，实际为“{found.value}”", found.line)
    return found.value


def _item(node: Node, sector: str) -> CatalogItem:
    if not isinstance(node.value, dict):
        raise ImportFileError(f"大类“{sector}”的小类格式不对：“{node.plain()}”", node.line)
    code = _text(node, "code", f"大类“{sector}”的小类")
    where = f"小类 {code} "
    name = _text(node, "name", where)
    keywords = _words(_require(node, "keywords", where), f"{where}的关键词")
    if len(keywords) < MIN_KEYWORDS:
        raise ImportFileError(f"{where}的关键词至少 {MIN_KEYWORDS} 个，实际只有 {len(keywords)} 个", node.line)
    closure_node = node.get("closure")
    closure_text = str(closure_node.value) if closure_node is not None else ClosureStandard.RESOLUTION.value
    try:
        closure = ClosureStandard(closure_text)
    except ValueError:
        line = closure_node.line if closure_node is not None else node.line
        raise ImportFileError(f"{where}的办结标准“{closure_text}”无效，应为 coordination 或 resolution", line) from None
    accept_hours = _hours(node, "accept_hours", 2.0, where)
    resolve_hours = _hours(node, "resolve_hours", 72.0, where)
    if accept_hours > resolve_hours:
        raise ImportFileError(
            f"{where}的签收时限（{accept_hours:g} 小时）不能长于办结时限（{resolve_hours:g} 小时）", node.line
        )
    note = node.get("note")
    return CatalogItem(
        code=code,
        name=name,
        sector=sector,
        keywords=keywords,
        closure=closure,
        warning=_flag(node, "warning", where),
        accept_hours=accept_hours,
        resolve_hours=resolve_hours,
        working_days=_flag(node, "working_days", where),
        note=str(note.value or "") if note is not None else "",
    )


def catalog_from_node(root: Node) -> Catalog:
    """Check a parsed catalog file and build the `Catalog`; the first problem raises `ImportFileError`."""
    sectors_node = root.get("sectors")
    if sectors_node is None or not isinstance(sectors_node.value, list):
        raise ImportFileError("目录文件缺少“sectors”列表", root.line)
    sectors: list[Sector] = []
    seen_sectors: set[str] = set()
    seen_codes: dict[str, int] = {}
    seen_sector_codes: set[str] = set()
    for sector_node in sectors_node.value:
        if not isinstance(sector_node.value, dict):
            raise ImportFileError(f"大类格式不对：“{sector_node.plain()}”", sector_node.line)
        name = _text(sector_node, "name", "大类")
        name_line = _require(sector_node, "name", "大类").line
        if name not in SECTOR_NAMES:
            raise ImportFileError(f"未知的大类“{name}”（只能是 24 个大类之一）", name_line)
        if name in seen_sectors:
            raise ImportFileError(f"大类“{name}”重复", name_line)
        seen_sectors.add(name)
        code = _text(sector_node, "code", f"大类“{name}”")
        if code in seen_sector_codes:
            raise ImportFileError(f"大类代码“{code}”重复", sector_node.line)
        seen_sector_codes.add(code)
        items_node = _require(sector_node, "items", f"大类“{name}”")
        if not isinstance(items_node.value, list):
            raise ImportFileError(f"大类“{name}”的“items”应为列表", items_node.line)
        items: list[CatalogItem] = []
        for item_node in items_node.value:
            item = _item(item_node, name)
            if item.code in seen_codes:
                raise ImportFileError(f"小类代码“{item.code}”重复（第 {seen_codes[item.code]} 行已有）", item_node.line)
            seen_codes[item.code] = item_node.line
            items.append(item)
        synonyms = _words(sector_node.get("synonyms"), f"大类“{name}”的同义词")
        sectors.append(Sector(name=name, code=code, synonyms=synonyms, items=tuple(items)))
    return Catalog(sectors=tuple(sectors))


def load_catalog_file(path: Path) -> Catalog:
    return catalog_from_node(load_yaml_file(path))


def load_default_catalog() -> Catalog:
    """The catalog shipped in the package (gridbot/data/catalog.yaml)."""
    text = resources.files("gridbot.data").joinpath(DEFAULT_CATALOG_RESOURCE).read_text(encoding="utf-8")
    return catalog_from_node(load_yaml_text(text))


def catalog_to_plain(catalog: Catalog) -> dict[str, Any]:
    """The catalog as plain data in the file format (for export and round trips)."""
    return {
        "sectors": [
            {
                "name": s.name,
                "code": s.code,
                "synonyms": list(s.synonyms),
                "items": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "keywords": list(i.keywords),
                        "closure": i.closure.value,
                        "warning": i.warning,
                        "accept_hours": i.accept_hours,
                        "resolve_hours": i.resolve_hours,
                        "working_days": i.working_days,
                        **({"note": i.note} if i.note else {}),
                    }
                    for i in s.items
                ],
            }
            for s in catalog.sectors
        ]
    }
