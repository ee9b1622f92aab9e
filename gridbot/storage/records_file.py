"""Reading an external records file (`gridbot import records FILE.yaml`).

Format::

    records:
      - ref: 12345-20260403-001        # the source's own number (unique; re-importing skips known refs)
        source: 12345热线              # 12345热线 / 110警情 / 信访 …
        grid: 红旗村一网格              # or address: 红旗村2组8号 (matched against the grids' address aliases)
        occurred_at: 2026-04-03 10:00   # local time
        warning: true                   # a warning-type matter (the grid should have sent a 预警)
        description: 两户因宅基地发生冲突
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from gridbot.clock import SHANGHAI
from gridbot.storage.models.org import Grid
from gridbot.storage.yamlfile import ImportFileError, Node


@dataclass(frozen=True, slots=True)
class RecordSpec:
    source: str
    external_ref: str
    grid_id: int
    occurred_at: datetime
    description: str
    warning: bool


TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def _moment(node: Node) -> datetime:
    value = node.value
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(str(value).strip(), pattern).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    raise ImportFileError(f"时间“{value}”看不懂（应为 2026-04-03 10:00）", node.line)


def _grid(session: Session, node: Node) -> int:
    grids = session.exec(select(Grid).where(col(Grid.active))).all()
    by_name = node.get("grid")
    if by_name is not None:
        for grid in grids:
            if grid.name == str(by_name.value) and grid.id is not None:
                return grid.id
        raise ImportFileError(f"网格“{by_name.value}”不存在", by_name.line)
    address = node.get("address")
    if address is None:
        raise ImportFileError("记录需要 grid 或 address", node.line)
    text = str(address.value)
    matches = {g.id for g in grids for alias in g.addresses if alias and alias in text and g.id is not None}
    if len(matches) != 1:
        raise ImportFileError(f"地址“{text}”{'对应不到网格' if not matches else '对应到多个网格'}", address.line)
    return matches.pop()


def parse_records(session: Session, root: Node) -> list[RecordSpec]:
    records = root.get("records")
    if records is None or not isinstance(records.value, list):
        raise ImportFileError("文件缺少“records”列表", root.line)
    specs: list[RecordSpec] = []
    seen: dict[str, int] = {}
    for node in records.value:
        if not isinstance(node.value, dict):
            raise ImportFileError(f"记录格式不对：“{node.plain()}”", node.line)
        for key in ("ref", "source", "occurred_at"):
            if node.get(key) is None:
                raise ImportFileError(f"记录缺少“{key}”", node.line)
        ref = str(node.value["ref"].value)
        if ref in seen:
            raise ImportFileError(f"记录编号“{ref}”重复（第 {seen[ref]} 行已有）", node.line)
        seen[ref] = node.line
        warning = node.get("warning")
        if warning is not None and not isinstance(warning.value, bool):
            raise ImportFileError(f"warning 应为 true 或 false，实际为“{warning.value}”", warning.line)
        description = node.get("description")
        specs.append(
            RecordSpec(
                source=str(node.value["source"].value),
                external_ref=ref,
                grid_id=_grid(session, node),
                occurred_at=_moment(node.value["occurred_at"]),
                description=str(description.value) if description is not None else "",
                warning=bool(warning.value) if warning is not None else False,
            )
        )
    return specs
