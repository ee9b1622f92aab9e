"""A district's year of history, written straight into a database: the data of the scale benchmark (issue 16).

Run: .venv/bin/python benchmarks/history.py --url sqlite:///path.db --events 30000 --seed 1

The database is given by URL (SQLite or PostgreSQL) and must be empty: the tables are created, then

- the organisation is imported the way `gridbot import org` does it (`import_org_node` on a generated tree): one
  district with its center and leaders groups and 2 departments, 12 towns each with a center and a leaders group
  and 2 departments (26 departments in all, each with its group and two staff), 25 villages per town (a 网格长
  each), 4 grids per village (1,200 grids, each with its group and a 专职网格员, every third with a 兼职网格员);
- then `--events` reports and warnings of 2026 by the grid forces (busy grids and nearly silent ones), each with the
  life the rules give it: most closed in the grid (自办结, at once or later), some coordinated, withdrawn or left
  open; a quarter sent to the town center, dispatched, accepted, resolved, verified (with returns, verification
  failures, extensions, a tenth taken to the district at level 3); warnings verified 属实 or 不属实; ratings,
  quality checks, category questions, photos sent before reports; plus directives (one per 1,500 events) with a
  task and a task event per target grid (a village, a town, several towns or the whole district), acknowledged,
  completed on time, late or never;
- every change writes the `event_history` / `directive_history` row `governance/history.py` would write (the same
  actions, statuses and detail keys, the history moved by the state machines of `governance/machines.py`); every
  person's command is an inbox row with the bot's reply and posts as outbox rows (sent); chat in the grid groups is
  stored too; reminders and overdue notices come when the real deadlines (`governance/deadlines.py`,
  `governance/timing.py`) run out while an event or a task waits, with their `reminder_sent` rows and the overdue
  flags; digests and rankings were posted on schedule (`job_run`, outbox rows without the chart image).

The history ends at END (2026-12-31 20:00, Shanghai): what was still waiting then is left where it was. The score
ledger is left empty (the benchmark builds it). Rows go in with SQLAlchemy Core, in time order, a week at a time;
the same seed and sizes give the same database, row for row.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Column, Connection, Engine, Table, bindparam, text, update
from sqlmodel import Session, SQLModel, select

from gridbot.clock import SHANGHAI, local
from gridbot.governance.actors import Actor, Place
from gridbot.governance.context import Context
from gridbot.governance.deadlines import WorkingTime, is_working_day, says_urgent
from gridbot.governance.machines import DIRECTIVE, EVENT, TASK
from gridbot.governance.timing import Stage, _reminder_stages
from gridbot.intents.catalog import Catalog, CatalogItem, ClosureStandard
from gridbot.settings import Settings
from gridbot.storage.catalog_file import load_default_catalog
from gridbot.storage.database import create_schema, is_sqlite, make_engine, transaction
from gridbot.storage.importers import import_org_node
from gridbot.storage.models.org import Department, Grid, Group, Person, Town, Village
from gridbot.storage.types import UtcDateTime
from gridbot.storage.yamlfile import Node

VERSION = 1  # of the generator: a change to what it writes changes this (the benchmark's cached files are per version)
START = datetime(2026, 1, 1, tzinfo=SHANGHAI)
END = datetime(2026, 12, 31, 20, 0, tzinfo=SHANGHAI)
DIRECTIVE_EVERY = 1500  # one directive per this many events
CHAT_PER_EVENT = 1.0  # chat messages stored in the grid groups, per event
PHOTOS = 0.5  # the share of reports sent after one or two photos


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


DISTRICT = "渭河新区"
TOWN_NAMES = _words("永乐镇 泾河镇 崇文镇 高庄镇 正阳街道 渭城街道 窑店街道 周陵镇 北杜镇 底张街道 太平镇 斗门街道")
VILLAGE_STEMS = _words("东 西 南 北 红旗 前进 胜利 和平 新庄 王家 李家 张家 刘家 陈家 杨家")
VILLAGE_STEMS += _words("赵家 黄家 周家 吴家 徐家 孙家 马家 朱家 胡家 郭家")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞鑫波斌宇浩凯健俊帆帅旭宁丹燕晶琳婷雪倩颖琴云莉建国志海亮林峰辉"  # noqa: E501
SOCIAL = _words("党建 12345热线 宗教 综治 司法 信访 政务服务 警务 文化出版 文化旅游 教育")
WORKS = _words(
    "金融 资源规划 环境保护 住房保障 城市管理 交通运输 应急管理 市场监管 消防 气象 卫生健康 劳动保障 民生保障"
)
SECTOR_WEIGHTS = {
    "城市管理": 20.0,
    "环境保护": 10.0,
    "综治": 9.0,
    "民生保障": 7.0,
    "司法": 6.0,
    "应急管理": 6.0,
    "消防": 5.0,
    "交通运输": 5.0,
    "住房保障": 4.0,
    "市场监管": 4.0,
    "卫生健康": 4.0,
    "劳动保障": 3.0,
    "信访": 3.0,
    "12345热线": 3.0,
}
TAILS = ("", "", "，请尽快处理", "，群众反映强烈", "，已现场查看", "，已拍照", "，存在安全隐患")
RESULTS = ("已处理完毕", "已清理干净", "已现场协调解决", "已联系相关人员处理", "已恢复正常", "已整改到位")
REASONS = ("需要部门处理", "本网格无法解决", "需要机械设备", "涉及多个部门", "群众多次反映")
RETURN_REASONS = ("不属于本部门职责", "地址不清", "需先由村里协调", "材料不全")
CHAT = _words("好的 辛苦了 明白 今天巡查一切正常 大家注意安全 收到通知了 下午过去看看 已转告村民")
DIRECTIVE_KINDS = _words("隐患排查 信息采集 政策宣传 服务群众 问题处置")
REQUIREMENTS = (
    "逐户排查，发现问题拍照上报",
    "入户宣传并发放资料，拍照留存",
    "摸清底数，登记造册后上报",
    "逐一走访，记录情况",
)
VERDICTS = (("满意", 0.75), ("基本满意", 0.2), ("不满意", 0.05))
DISTRICT_REASONS = ("预警情报", "信访矛盾超出本镇", "办理权限超出本镇")

# Tables in the order their rows go in (foreign keys point up this list); ids of the first three are given when
# the history is made, the others when their rows are written (in time order).
TABLE_ORDER = tuple(
    [
        "inbox_message",
        "photo_file",
        "directive",
        "event",
        "directive_task",
        "event_history",
        "directive_history",
        "event_photo",
        "rating",
        "pending_question",
        "outbox_message",
        "reminder_sent",
        "job_run",
    ]
)
GIVEN_IDS = ("event", "directive", "directive_task")
REF_KEYS = ("inbox_message_id", "in_reply_to", "photo_file_id")
PAYLOAD = json.dumps({"conversation_key": "name", "sender_key": "userid", "direct": False})  # every message's


@dataclass(frozen=True, slots=True)
class OrgShape:
    towns: int = 12
    villages_per_town: int = 25
    grids_per_village: int = 4


# ---------------------------------------------------------------------------------------------------- organisation


@dataclass(frozen=True, slots=True)
class Who:
    id: int
    name: str
    userid: str


@dataclass(slots=True)
class Dept:
    id: int
    name: str
    level: str
    town_id: int | None
    sectors: tuple[str, ...]
    group_id: int
    group: str
    staff: list[Who]


@dataclass(slots=True)
class GridInfo:
    id: int
    name: str
    village_id: int
    village: str
    town_id: int
    group_id: int
    group: str
    addresses: list[str]
    worker: Who
    part_time: Who | None
    chief: Who


@dataclass(slots=True)
class TownInfo:
    id: int
    name: str
    center_id: int
    center: str
    leaders_id: int
    leaders: str
    seats: list[Who]
    departments: list[Dept]
    grids: list[GridInfo] = field(default_factory=list)
    villages: dict[str, list[GridInfo]] = field(default_factory=dict)


@dataclass(slots=True)
class Org:
    district_id: int
    center_id: int
    center: str
    leaders_id: int
    leaders: str
    seats: list[Who]
    departments: list[Dept]
    towns: list[TownInfo]
    grids: list[GridInfo]
    town_of: dict[int, TownInfo]

    def handling(self, sector: str, town: TownInfo, level: int) -> Dept:
        """The department a sector goes to at a level (town departments at level 2, the district's at level 3)."""
        candidates = self.departments if level >= 3 else town.departments
        return next((d for d in candidates if sector in d.sectors), candidates[0])


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        if name in seen:
            name = f"{name}{len(names)}"
        seen.add(name)
        names.append(name)
    return names


def org_tree(shape: OrgShape, seed: int) -> dict[str, Any]:
    """The organisation file (docs/org-file.md) as the YAML tree `gridbot import org` reads."""
    rng = random.Random(f"org-{seed}")
    towns: list[dict[str, Any]] = []
    people: list[tuple[str, list[dict[str, Any]]]] = []
    for t in range(shape.towns):
        town = TOWN_NAMES[t] if t < len(TOWN_NAMES) else f"第{t + 1}镇"
        prefix = town[:2] if t < len(TOWN_NAMES) else town
        villages = []
        for v in range(shape.villages_per_town):
            stem = VILLAGE_STEMS[v % len(VILLAGE_STEMS)] + (
                str(v // len(VILLAGE_STEMS)) if v >= len(VILLAGE_STEMS) else ""
            )
            village = f"{prefix}{stem}村"
            grids = []
            for g in range(shape.grids_per_village):
                name = f"{village}第{g + 1}网格"
                addresses = [f"{village}{3 * g + k + 1}组" for k in range(3)]
                grids.append({"name": name, "group": f"{name}群", "addresses": addresses})
                people.append(("grid", [{"role": "grid_worker", "grid": name}]))
                if (len(people) % 3) == 0:
                    people.append(("part", [{"role": "part_time", "grid": name}]))
            villages.append({"name": village, "grids": grids})
            people.append(("chief", [{"role": "grid_chief", "village": village}]))
        departments = [
            {"name": f"{town}综治办", "group": f"{town}综治办群", "sectors": list(SOCIAL)},
            {"name": f"{town}城建办", "group": f"{town}城建办群", "sectors": list(WORKS)},
        ]
        for department in departments:
            people += [("staff", [{"role": "dept_staff", "department": department["name"]}])] * 2
        people += [("seat", [{"role": "seat", "center": town}])] * 2
        people.append(("leader", [{"role": "leader", "town": town}]))
        towns.append(
            {
                "name": town,
                "center_group": f"{town}网格中心群",
                "leaders_group": f"{town}领导群",
                "departments": departments,
                "villages": villages,
            }
        )
    district_departments = [
        {"name": "新区政法委", "group": "新区政法委群", "sectors": list(SOCIAL)},
        {"name": "新区城市管理局", "group": "新区城市管理局群", "sectors": list(WORKS)},
    ]
    for department in district_departments:
        people += [("staff", [{"role": "dept_staff", "department": department["name"]}])] * 2
    people += [("seat", [{"role": "seat", "center": DISTRICT}])] * 2
    people.append(("leader", [{"role": "leader", "district": DISTRICT}]))
    people.append(("admin", [{"role": "admin"}]))
    names = _names(rng, len(people))
    return {
        "district": {"name": DISTRICT, "center_group": "新区网格中心群", "leaders_group": "新区领导群"},
        "district_departments": district_departments,
        "towns": towns,
        "people": [
            {"name": name, "userid": f"u{index:05d}", "mobile": f"139{index:08d}", "roles": roles}
            for index, (name, (_, roles)) in enumerate(zip(names, people, strict=True), start=1)
        ],
    }


def import_org(engine: Engine, shape: OrgShape, seed: int) -> Org:
    """Import the generated organisation with the project's importer, then read back what the history needs."""
    tree = org_tree(shape, seed)
    with transaction(engine) as session:
        import_org_node(session, _node(tree), now=START - timedelta(days=30), actor="history")
    return read_org(engine, tree)


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return load_default_catalog()  # the catalog the import puts in an empty store


def _node(value: Any, line: int = 1) -> Node:
    """The tree as the YAML loader gives it (`Node`s), without writing and parsing YAML text."""
    if isinstance(value, dict):
        return Node({str(k): _node(v, line) for k, v in value.items()}, line)
    if isinstance(value, list):
        return Node([_node(v, line) for v in value], line)
    return Node(value, line)


def read_org(engine: Engine, tree: dict[str, Any]) -> Org:
    with Session(engine) as session:
        groups = {g.name: g.id for g in session.exec(select(Group)).all()}
        people = {p.name: Who(p.id or 0, p.name, p.userid or "") for p in session.exec(select(Person)).all()}
        grids = {g.name: g for g in session.exec(select(Grid)).all()}
        villages = {v.name: v for v in session.exec(select(Village)).all()}
        towns = {t.name: t for t in session.exec(select(Town)).all()}
        departments = {d.name: d for d in session.exec(select(Department)).all()}
    holders: dict[tuple[str, str], list[Who]] = {}
    for person in tree["people"]:
        for role in person["roles"]:
            place = next((str(v) for k, v in role.items() if k != "role"), "")
            holders.setdefault((role["role"], place), []).append(people[person["name"]])

    def dept(spec: dict[str, Any], town_id: int | None) -> Dept:
        row = departments[spec["name"]]
        assert row.id is not None
        return Dept(
            row.id,
            row.name,
            row.level,
            town_id,
            tuple(spec["sectors"]),
            groups[spec["group"]] or 0,
            spec["group"],
            holders[("dept_staff", spec["name"])],
        )

    town_infos: list[TownInfo] = []
    all_grids: list[GridInfo] = []
    for spec in tree["towns"]:
        town_id = towns[spec["name"]].id or 0
        info = TownInfo(
            town_id,
            spec["name"],
            groups[spec["center_group"]] or 0,
            spec["center_group"],
            groups[spec["leaders_group"]] or 0,
            spec["leaders_group"],
            holders[("seat", spec["name"])],
            [dept(d, town_id) for d in spec["departments"]],
        )
        for village in spec["villages"]:
            village_id = villages[village["name"]].id or 0
            chief = holders[("grid_chief", village["name"])][0]
            for g in village["grids"]:
                part = holders.get(("part_time", g["name"]))
                grid = GridInfo(
                    grids[g["name"]].id or 0,
                    g["name"],
                    village_id,
                    village["name"],
                    town_id,
                    groups[g["group"]] or 0,
                    g["group"],
                    list(g["addresses"]),
                    holders[("grid_worker", g["name"])][0],
                    part[0] if part else None,
                    chief,
                )
                info.grids.append(grid)
                info.villages.setdefault(village["name"], []).append(grid)
                all_grids.append(grid)
        town_infos.append(info)
    district = tree["district"]
    return Org(
        district_id=towns[town_infos[0].name].district_id,
        center_id=groups[district["center_group"]] or 0,
        center=district["center_group"],
        leaders_id=groups[district["leaders_group"]] or 0,
        leaders=district["leaders_group"],
        seats=holders[("seat", DISTRICT)],
        departments=[dept(d, None) for d in tree["district_departments"]],
        towns=town_infos,
        grids=all_grids,
        town_of={t.id: t for t in town_infos},
    )


# ------------------------------------------------------------------------------------------------------- the writer


class Ref:
    """An id given when its row is written (rows written later in the same run point to it)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: int | None = None


@dataclass(slots=True, eq=False)
class Action:
    """What happened at one moment: a person's message (an inbox row) or the system's doing, and the rows it wrote."""

    at: datetime
    message: dict[str, Any] | None = None
    inbox: Ref | None = None
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class Writer:
    """Keeps actions in time order and writes those before a moment, table by table, in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite = is_sqlite(str(engine.url))
        self.tables: dict[str, Table] = {name: SQLModel.metadata.tables[name] for name in TABLE_ORDER}
        self.next_id = {name: self._top(name) + 1 for name in TABLE_ORDER}
        self.queue: list[tuple[datetime, int, Action]] = []
        self.order = itertools.count()
        self.counts: Counter[str] = Counter()

    def _top(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one())

    def give(self, table: str) -> int:
        """An id of a table whose ids are given when the history is made (events, directives, tasks)."""
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def push(self, action: Action) -> None:
        heapq.heappush(self.queue, (action.at, next(self.order), action))

    def flush(self, until: datetime | None) -> None:
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_ORDER}
        while self.queue and (until is None or self.queue[0][0] < until):
            _, _, action = heapq.heappop(self.queue)
            if action.message is not None:
                assert action.inbox is not None
                row = action.message
                row["id"] = action.inbox.value = self._id("inbox_message")
                row["message_id"] = f"h{row['id']}"
                batch["inbox_message"].append(row)
            for table, row in action.rows:
                if table not in GIVEN_IDS:
                    given = row.get("id")
                    if isinstance(given, Ref):
                        given.value = self._id(table)
                        row["id"] = given.value
                    else:
                        row["id"] = self._id(table)
                for key in REF_KEYS:
                    value = row.get(key)
                    if isinstance(value, Ref):
                        row[key] = value.value
                batch[table].append(row)
        with self.engine.begin() as conn:
            if self.sqlite:  # a file being built: nothing to lose if the machine stops
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
            else:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in TABLE_ORDER:
                rows = batch[table]
                if rows:
                    self.insert(conn, table, rows)
                    self.counts[table] += len(rows)

    def insert(self, conn: Connection, name: str, rows: list[dict[str, Any]]) -> None:
        """Many rows through the driver (executemany on SQLite, COPY on PostgreSQL), each value turned into what
        the column's SQLAlchemy type would bind: JSON text, naive UTC datetimes (`UtcDateTime`; text on SQLite)."""
        columns = list(self.tables[name].columns)
        keys = [column.name for column in columns]
        convert = [(i, f) for i, column in enumerate(columns) if (f := _converter(column, self.sqlite)) is not None]
        take = itemgetter(*keys)
        values: list[list[Any]] = []
        for row in rows:
            value = list(take(row))
            for i, f in convert:
                value[i] = f(value[i])
            values.append(value)
        names = ", ".join(f'"{key}"' for key in keys)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.sqlite:
                marks = ", ".join("?" * len(keys))
                cursor.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', values)
            else:
                with cursor.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                    for value in values:
                        copy.write_row(value)
        finally:
            cursor.close()

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def finish(self, directives: Sequence[dict[str, Any]]) -> None:
        """Directives were written as they were issued; their final status is set here. PostgreSQL's sequences are
        moved past the ids given here, so that rows added later (by the benchmark) get new ones."""
        table = self.tables["directive"]
        values = [
            {
                "b_id": d["id"],
                "b_status": d["status"],
                "b_reviewers": d["reviewers"],
                "b_return_reason": d["return_reason"],
                "b_review_since": d["review_since"],
                "b_updated_at": d["updated_at"],
                "b_completed_at": d["completed_at"],
            }
            for d in directives
        ]
        with self.engine.begin() as conn:
            if values:
                conn.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(
                        status=bindparam("b_status"),
                        reviewers=bindparam("b_reviewers"),
                        return_reason=bindparam("b_return_reason"),
                        review_since=bindparam("b_review_since"),
                        updated_at=bindparam("b_updated_at"),
                        completed_at=bindparam("b_completed_at"),
                    ),
                    values,
                )
            if not is_sqlite(str(self.engine.url)):
                for name in TABLE_ORDER:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                        )
                    )


def _converter(column: Column[Any], sqlite: bool) -> Callable[[Any], Any] | None:
    if isinstance(column.type, UtcDateTime):
        return _sqlite_time if sqlite else _utc_time
    if isinstance(column.type, JSON):
        return _json
    return None


def _utc_time(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None)


def _sqlite_time(value: datetime | None) -> str | None:
    """SQLAlchemy's storage format of DATETIME on SQLite (2026-04-01 01:07:00.000000)."""
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _json(value: Any) -> str:
    """What SQLAlchemy's JSON type writes (json.dumps); a str is JSON text already."""
    if isinstance(value, str):
        return value
    if not value:
        return "[]" if isinstance(value, list) else json.dumps(value)
    return json.dumps(value)


# --------------------------------------------------------------------------------------------------- time helpers


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def shown(moment: datetime) -> str:
    here = local(moment)
    return f"{here.month}月{here.day}日{here:%H:%M}"


def awake(rng: random.Random, moment: datetime) -> datetime:
    """People in the grid answer between 07:30 and 21:00; later than that, the next morning."""
    here = local(moment)
    minutes = here.hour * 60 + here.minute
    if 450 <= minutes < 1260:
        return moment
    day = here.date() + timedelta(days=1) if minutes >= 1260 else here.date()
    return datetime.combine(day, clock(7, 30), SHANGHAI) + timedelta(minutes=rng.uniform(0, 120))


def office(rng: random.Random, moment: datetime) -> datetime:
    """Centers and departments act in working hours of working days (08:30–12:00, 14:00–18:00)."""
    here = local(moment)
    minutes = here.hour * 60 + here.minute
    if is_working_day(here.date()) and (510 <= minutes < 720 or 840 <= minutes < 1080):
        return moment
    day = here.date()
    if minutes >= 1080 or not is_working_day(day):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
        start = clock(8, 30)
    else:
        start = clock(8, 30) if minutes < 510 else clock(14, 0)
    return datetime.combine(day, start, SHANGHAI) + timedelta(minutes=rng.uniform(0, 90))


def later(rng: random.Random, moment: datetime, median_minutes: float, spread: float = 0.8) -> datetime:
    return moment + timedelta(minutes=max(1.0, median_minutes * math.exp(rng.gauss(0.0, spread))))


# ----------------------------------------------------------------------------------------------------- the history


@dataclass(slots=True)
class Life:
    """One event: its row (its state as the history goes on) and the history rows its changes write."""

    row: dict[str, Any]
    urgent: bool
    grid: GridInfo
    town: TownInfo
    item: CatalogItem | None
    now: datetime  # the moment of its latest change: the next one comes after it
    sent: set[tuple[str, str]] = field(default_factory=set)  # reminder stages sent (stage, due), as reminder_sent
    returned_by: int | None = None  # the department that returned it

    @property
    def ref(self) -> str:
        return f"E{self.row['id']}"


def _event_row(event_id: int, at: datetime, grid: GridInfo, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": event_id,
        "source": "report",
        "status": None,
        "level": 1,
        "closure": None,
        "sector": None,
        "item_code": None,
        "category_confirmed": True,
        "candidates": [],
        "warning": False,
        "warning_truth": None,
        "late": False,
        "grid_id": grid.id,
        "town_id": grid.town_id,
        "holder_kind": "grid",
        "department_id": None,
        "reporter_id": None,
        "reported_in_group_id": None,
        "inbox_message_id": None,
        "directive_task_id": None,
        "location": None,
        "latitude": None,
        "longitude": None,
        "description": "",
        "occurred_at": None,
        "persons": [],
        "phones": [],
        "id_numbers": [],
        "before": None,
        "after": None,
        "escalation_reason": None,
        "returns": 0,
        "flags": [],
        "pending_since": None,
        "accept_from": None,
        "accept_due": None,
        "resolve_from": None,
        "resolve_due": None,
        "verify_since": None,
        "extension_requested_hours": None,
        "created_at": at,
        "updated_at": at,
        "closed_at": None,
    }
    row.update(values)
    return row


class History:
    """Makes the year: births (reports, warnings, directives) in time order, each life written as it would be."""

    def __init__(
        self,
        engine: Engine,
        org: Org,
        events: int,
        seed: int,
        *,
        chat: float = CHAT_PER_EVENT,
        photos: float = PHOTOS,
        outbox: bool = True,
    ) -> None:
        self.org = org
        self.events = events
        self.chat_per_event = chat
        self.photo_share = photos
        self.outbox = outbox
        self.rng = random.Random(f"history-{seed}")
        self.writer = Writer(engine)
        self.settings = Settings()
        self.work = WorkingTime.of(self.settings)
        self.catalog = _default_catalog()
        self.ctx = Context(
            Session(engine), self.settings, self.catalog, END, Actor.system(), Place.system()
        )  # only its settings are read (reminder stages)
        self.directives: list[dict[str, Any]] = []
        self.departments = {d.id: d for d in [*org.departments, *(d for t in org.towns for d in t.departments)]}
        self.births: list[tuple[datetime, int, str, Any]] = []
        self.order = itertools.count()
        items = [i for i in self.catalog.items if not i.warning]
        self.report_items = {s.name: [i for i in items if i.sector == s.name] for s in self.catalog.sectors}
        self.report_sectors = [s for s, found in self.report_items.items() if found]
        self.sector_weights = list(itertools.accumulate(SECTOR_WEIGHTS.get(s, 1.0) for s in self.report_sectors))
        self.warning_items = [i for i in self.catalog.items if i.warning]
        self.disputes = [i for i in items if i.closure is ClosureStandard.COORDINATION]
        grid_rng = random.Random(f"grids-{seed}")
        weights = [0.02 if grid_rng.random() < 0.02 else math.exp(grid_rng.gauss(0, 0.6)) for _ in org.grids]
        self.grid_weights = list(itertools.accumulate(weights))

    # ------------------------------------------------------------------------------------------------ building

    def make(self) -> Counter[str]:
        self._plan()
        boundary = START + timedelta(days=7)
        while self.births:
            at, _, kind, payload = heapq.heappop(self.births)
            while at >= boundary:
                self.writer.flush(boundary)
                boundary += timedelta(days=7)
            if kind == "report":
                self.report(at, payload)
            elif kind == "warning":
                self.warning(at, payload)
            elif kind == "chat":
                self.chat(at, payload)
            elif kind == "directive":
                self.directive(at)
            elif kind == "dispatch":
                self.dispatch_directive(at, payload)
            elif kind == "jobs":
                self.scheduled_jobs(at)
        self.writer.flush(None)
        self.ctx.session.close()
        self.writer.finish(self.directives)
        return self.writer.counts

    def _birth(self, at: datetime, kind: str, payload: Any = None) -> None:
        heapq.heappush(self.births, (at, next(self.order), kind, payload))

    def _plan(self) -> None:
        rng = self.rng
        days = [START.date() + timedelta(days=d) for d in range(365)]
        day_weights = list(itertools.accumulate(0.6 if not is_working_day(d) else 1.0 for d in days))
        grids = self.org.grids
        for index in range(self.events):
            day = rng.choices(days, cum_weights=day_weights)[0]
            minute = (
                rng.uniform(480, 1080)
                if rng.random() < 0.85
                else rng.choice((rng.uniform(420, 480), rng.uniform(1080, 1260)))
            )
            at = datetime.combine(day, clock(), SHANGHAI) + timedelta(minutes=minute)
            if at >= END:
                at = END - timedelta(minutes=1 + index % 600)
            grid = rng.choices(grids, cum_weights=self.grid_weights)[0]
            self._birth(at, "warning" if rng.random() < 0.05 else "report", grid)
            if rng.random() < self.chat_per_event:
                chat_at = awake(rng, at + timedelta(minutes=rng.uniform(-600, 600)))
                if START <= chat_at < END:
                    self._birth(chat_at, "chat", rng.choices(grids, cum_weights=self.grid_weights)[0])
        for day in days[1:]:
            self._birth(datetime.combine(day, self.settings.digest_time, SHANGHAI), "jobs")
        self._birth(END, "jobs")
        working = [d for d in days if is_working_day(d)]
        for _ in range(max(2, round(self.events / DIRECTIVE_EVERY))):
            day = rng.choice(working)
            at = datetime.combine(day, clock(9, 0), SHANGHAI) + timedelta(minutes=rng.uniform(0, 480))
            self._birth(min(at, END - timedelta(hours=1)), "directive")

    # ---------------------------------------------------------------------------------------------- the writer

    def act(
        self, at: datetime, by: Who | None = None, group: tuple[int, str] | None = None, **message: Any
    ) -> Action | None:
        """A moment of the history: a person's message in a group (when `by` is given) or the system's doing.
        None once the history has ended: what comes after END did not happen yet."""
        if at > END:
            return None
        action = Action(at)
        if by is not None and group is not None:
            action.inbox = Ref()
            action.message = {
                "channel": "wecom_bot",
                "conversation": group[1],
                "sender": by.userid,
                "kind": message.get("kind", "text"),
                "text": message.get("text", ""),
                "payload": PAYLOAD,
                "sent_at": at,
                "received_at": at,
                "person_id": by.id,
                "group_id": group[0],
                "intent": message.get("intent"),
                "state": "processed",
                "error": None,
            }
        self.writer.push(action)
        return action

    def post(
        self,
        action: Action,
        group: tuple[int, str],
        template: str,
        body: str,
        *,
        reply: bool = False,
        mentions: Sequence[Who] = (),
    ) -> None:
        if not self.outbox:
            return
        at = action.at
        action.rows.append(
            (
                "outbox_message",
                {
                    "group_id": group[0],
                    "conversation": group[1],
                    "text": body,
                    "mentions": [w.name for w in mentions],
                    "mention_userids": [w.userid for w in mentions],
                    "in_reply_to": action.inbox if reply else None,
                    "reply_channel": None,
                    "template": template,
                    "image_png": None,
                    "buttons": [],
                    "via": None,
                    "state": "sent",
                    "attempts": 1,
                    "parts_sent": 1,
                    "claimed_by": None,
                    "next_attempt_at": None,
                    "last_error": None,
                    "created_at": at,
                    "sent_at": at + timedelta(seconds=2),
                },
            )
        )

    def reply(self, action: Action, group: tuple[int, str], template: str, body: str, **kw: Any) -> None:
        self.post(action, group, template, body, reply=True, **kw)

    # ---------------------------------------------------------------------------- history entries (history.py)

    def create(self, action: Action, life: Life, name: str, actor: int | None, note: str, **detail: Any) -> None:
        after = EVENT.target(None, name)
        life.row["status"] = after
        action.rows.append(("event", life.row))
        self._entry(action, life, name, actor, None, note, detail)

    def change(self, action: Action, life: Life, name: str, actor: int | None, note: str = "", **updates: Any) -> None:
        """`history.change`: the machine's new status, the deadlines' start moments, the changed fields as detail."""
        row, now = life.row, action.at
        before = row["status"]
        after = EVENT.target(before, name)
        if updates.get("accept_due") is not None:
            updates.setdefault("accept_from", now)
        if updates.get("resolve_due") is not None:
            updates.setdefault("resolve_from", now)
        if after == "pending" and before != "pending":
            updates.setdefault("pending_since", now)
        if after == "resolved" and before != "resolved":
            updates.setdefault("verify_since", now)
        changed = {key: value for key, value in updates.items() if row[key] != value}
        row.update(changed)
        row["status"] = after
        row["updated_at"] = now
        self._entry(action, life, name, actor, before, note, changed)

    def close(
        self, action: Action, life: Life, name: str, closure: str, actor: int | None, note: str = "", **updates: Any
    ) -> None:
        self.change(action, life, name, actor, note, closure=closure, closed_at=action.at, **updates)

    def _entry(
        self,
        action: Action,
        life: Life,
        name: str,
        actor: int | None,
        before: str | None,
        note: str,
        detail: dict[str, Any],
    ) -> None:
        assert action.at >= life.now, f"{life.ref} {name} at {action.at} before {life.now}"
        life.now = action.at
        action.rows.append(
            (
                "event_history",
                {
                    "event_id": life.row["id"],
                    "at": action.at,
                    "actor_id": actor,
                    "action": name,
                    "from_status": before,
                    "to_status": life.row["status"],
                    "note": note,
                    "detail": {key: _plain(value) for key, value in detail.items()},
                },
            )
        )

    def directive_entry(
        self,
        action: Action,
        directive: dict[str, Any],
        name: str,
        actor: int | None,
        *,
        task: dict[str, Any] | None = None,
        note: str = "",
    ) -> None:
        """`history.directive_change` / `task_change`: the directive's or the task's machine moves it."""
        if task is None:
            before = directive["status"] if name != "create" else None
            after = DIRECTIVE.target(before, name)
            directive["status"] = after
            if after == "pending_review":
                directive["review_since"] = action.at
        else:
            before = task["status"] if name != "task_created" else None
            after = TASK.target(before, name)
            task["status"] = after
        directive["updated_at"] = action.at
        action.rows.append(
            (
                "directive_history",
                {
                    "directive_id": directive["id"],
                    "task_id": task["id"] if task is not None else None,
                    "at": action.at,
                    "actor_id": actor,
                    "action": name,
                    "from_status": before,
                    "to_status": after,
                    "note": note,
                    "detail": {},
                },
            )
        )

    # --------------------------------------------------------------------------------- reminders (timing.py)

    def stages(self, subject: str, kind: str, start: datetime, due: datetime, urgent: bool) -> list[Stage]:
        return _reminder_stages(self.ctx, subject, kind, start, due, urgent=urgent)

    def sent(self, action: Action, stage: Stage) -> None:
        due = stage.due.astimezone(UTC).isoformat()
        action.rows.append(
            ("reminder_sent", {"subject": stage.subject, "stage": stage.stage, "due": due, "sent_at": action.at})
        )

    def wait(
        self,
        life: Life,
        kind: str,
        start: datetime,
        due: datetime,
        until: datetime | None,
        since: datetime | None = None,
    ) -> None:
        """The event waits in a stage from `start` until `until` (None: it still waits at END): each reminder and
        overdue notice whose moment comes first is sent (once: a stage sent before is not sent again), and an
        overdue department is flagged. Back in the stage `since` a later moment (核查不通过), the stages whose
        moment has passed go at once."""
        for stage in self.stages(life.ref, kind, start, due, life.urgent):
            at = max(stage.at, since) if since is not None else stage.at
            if until is not None and at >= until:
                return
            key = (stage.stage, stage.due.isoformat())
            if key in life.sent:
                continue
            life.sent.add(key)
            action = self.act(at)
            if action is None:
                return
            self.sent(action, stage)
            self._announce(action, life, kind, stage)

    def _announce(self, action: Action, life: Life, kind: str, stage: Stage) -> None:
        row, town = life.row, life.town
        ref, due = life.ref, shown(stage.due)
        if kind in ("pending", "verify"):
            center = (self.org.center_id, self.org.center) if row["level"] >= 3 else (town.center_id, town.center)
            seats = self.org.seats if row["level"] >= 3 else town.seats
            word = "派单" if kind == "pending" else "核查"
            template = f"{'overdue' if stage.overdue else 'reminder'}_{'center_pending' if kind == 'pending' else kind}"
            self.post(action, center, template, f"⏰ {ref} 待{word}，时限 {due}：请及时{word} {ref}", mentions=seats)
            return
        dept = self._dept(row["department_id"])
        group = (dept.group_id, dept.group)
        word = "签收" if kind == "accept" else "办结"
        if not stage.overdue:
            self.post(
                action,
                group,
                f"reminder_{kind}",
                f"⏰ 提醒：{ref} 请于 {due} 前{word}（{dept.name}）：{word} {ref}",
                mentions=dept.staff,
            )
            return
        flag = "推诿不受理" if kind == "accept" else "拖延不办理"
        if flag not in row["flags"]:
            self.change(action, life, "flag", None, f"{flag}（{dept.name}）", flags=[*row["flags"], flag])
        body = f"🔴【超时】{ref} 未在 {due} 前{word}（{dept.name}），已标记：{flag}"
        self.post(action, group, f"overdue_{kind}", body, mentions=dept.staff)
        center = (self.org.center_id, self.org.center) if row["level"] >= 3 else (town.center_id, town.center)
        self.post(action, center, f"overdue_{kind}", body)

    def _dept(self, department_id: int) -> Dept:
        return self.departments[department_id]

    # -------------------------------------------------------------------------------------------- the events

    def chat(self, at: datetime, grid: GridInfo) -> None:
        who = grid.part_time if grid.part_time is not None and self.rng.random() < 0.4 else grid.worker
        self.act(at, who, (grid.group_id, grid.group), text=self.rng.choice(CHAT))

    def _item(self, pool: Sequence[CatalogItem] | None = None) -> CatalogItem:
        if pool is not None:
            return self.rng.choice(pool)
        sector = self.rng.choices(self.report_sectors, cum_weights=self.sector_weights)[0]
        return self.rng.choice(self.report_items[sector])

    def _describe(self, grid: GridInfo, item: CatalogItem) -> tuple[str, str]:
        location = self.rng.choice(grid.addresses)
        keyword = self.rng.choice([k for k in item.keywords if k] or [item.name])
        return location, f"{location}{keyword}{self.rng.choice(TAILS)}"

    def _photos(self, at: datetime, by: Who, grid: GridInfo) -> list[tuple[Action, Ref]]:
        """Image messages sent just before a report (photo_file rows, fetched and kept)."""
        found: list[tuple[Action, Ref]] = []
        for _ in range(1 if self.rng.random() < 0.7 else 2):
            action = self.act(at, by, (grid.group_id, grid.group), kind="image")
            if action is None:
                break
            digest = f"{self.rng.getrandbits(256):064x}"
            photo = Ref()
            action.rows.append(
                (
                    "photo_file",
                    {
                        "id": photo,
                        "inbox_message_id": action.inbox,
                        "position": 0,
                        "source": "wecom_bot",
                        "locator": f"https://media.example/{digest[:24]}",
                        "state": "stored",
                        "reason": None,
                        "sha256": digest,
                        "size": self.rng.randrange(80_000, 900_000),
                        "content_type": "image/jpeg",
                        "path": f"{digest[:2]}/{digest}.jpg",
                        "fetched_at": at + timedelta(seconds=2),
                    },
                )
            )
            found.append((action, photo))
            at += timedelta(seconds=self.rng.uniform(5, 40))
        return found

    def report(self, at: datetime, grid: GridInfo) -> None:
        rng = self.rng
        roll = rng.random()
        by = grid.worker
        if roll < 0.10 and grid.part_time is not None:
            by = grid.part_time
        elif roll > 0.96:
            by = grid.chief
        path = rng.choices(
            ("template", "later", "coordinate", "withdraw", "open", "escalate"),
            cum_weights=list(itertools.accumulate((0.40, 0.28, 0.03, 0.015, 0.015, 0.26))),
        )[0]
        item = self._item(self.disputes if path == "coordinate" else None)
        location, description = self._describe(grid, item)
        photos = self._photos(at, by, grid) if rng.random() < self.photo_share else []
        if photos:
            at += timedelta(minutes=rng.uniform(1, 4))
        template = path == "template"
        after = rng.choice(RESULTS) if template else None
        confirmed = template or rng.random() > 0.06
        town = self.org.town_of[grid.town_id]
        row = _event_row(
            self.writer.give("event"),
            at,
            grid,
            sector=item.sector,
            item_code=item.code,
            category_confirmed=confirmed,
            candidates=[item.sector] if confirmed else [item.sector, *rng.sample(self.report_sectors, 2)],
            reporter_id=by.id,
            reported_in_group_id=grid.group_id,
            location=location,
            description=description,
            before=description if template else None,
            after=after,
        )
        life = Life(row, says_urgent(description), grid, town, item, at)
        place = (grid.group_id, grid.group)
        if template:
            body = f"【事件上报】\n类别：{item.sector}\n地点：{location}\n处置前：{description}\n处置后：{after}"
        else:
            body = f"#上报 {description}"
        action = self.act(at, by, place, text=body, intent="report")
        if action is None:
            return
        row["inbox_message_id"] = action.inbox
        self.create(action, life, "report", by.id, description, sector=item.sector, item=item.code, level=1)
        mentions = [grid.worker] if by != grid.worker else []
        ref = life.ref
        asks_center = path == "escalate" and rng.random() < 0.3
        if template:
            self.close(action, life, "self_resolve", "self", by.id)
            self.reply(
                action,
                place,
                "report_self_resolved",
                f"✅ {ref} 已办结（自办结），类别：{item.sector}。小事不出网格，辛苦了！",
                mentions=mentions,
            )
        elif asks_center:
            self._to_center(action, life, description)
            self.reply(
                action,
                place,
                "report_to_center",
                f"⬆️ {ref} 已登记并上报{town.name}网格中心（待派单），类别：{item.sector}。",
                mentions=mentions,
            )
        else:
            self.reply(
                action,
                place,
                "report_open",
                f"📝 已登记 {ref}（处置中），类别：{item.sector}。\n"
                f"处置完请发：办结 {ref} 处置结果；需要中心协调请发：上报中心 {ref} 原因",
                mentions=mentions,
            )
        answer = self._ask_category(action, life, by) if not confirmed else None
        if photos:
            for image, photo in photos:
                action.rows.append(
                    (
                        "event_photo",
                        {
                            "event_id": row["id"],
                            "inbox_message_id": image.inbox,
                            "photo_file_id": photo,
                            "person_id": by.id,
                            "at": at,
                        },
                    )
                )
            self.change(action, life, "photo", by.id, f"照片 {len(photos)} 张")
            self.reply(action, place, "photo_attached", f"📷 {ref} 已收到照片（共 {len(photos)} 张）。")
        if answer is not None:
            self._answer_category(life, by, answer)
        if template:
            self._check(life)
            return
        if path == "escalate":
            if not asks_center:
                moment = awake(rng, later(rng, life.now, 90, 1.2))
                self._wait_open(life, moment)
                reason = rng.choice(REASONS)
                action = self.act(moment, grid.worker, place, text=f"上报中心 {ref} {reason}", intent="escalate")
                if action is None:
                    return
                self._to_center(action, life, reason)
                self.reply(action, place, "escalated", f"⬆️ {ref} 已上报{town.name}网格中心（待派单）。")
            self.center_flow(life)
            return
        if path == "open":
            self._wait_open(life, None)
            return
        moment = awake(rng, later(rng, life.now, {"later": 180, "coordinate": 120, "withdraw": 30}[path], 1.2))
        self._wait_open(life, moment)
        actor = by if path == "withdraw" else grid.worker
        if path == "later":
            result = rng.choice(RESULTS)
            action = self.act(moment, actor, place, text=f"办结 {ref} {result}", intent="resolve")
            if action is None:
                return
            self.close(action, life, "self_resolve", "self", actor.id, after=result)
            self.reply(action, place, "closed_self", f"✅ {ref} 已办结（自办结）。")
            self._check(life)
        elif path == "coordinate":
            action = self.act(moment, actor, place, text=f"协调 {ref} 已召集双方调解", intent="coordinate")
            if action is None:
                return
            self.close(action, life, "coordination", "coordination", actor.id, "已召集双方调解")
            self.reply(action, place, "closed_coordination", f"✅ {ref} 已进入协调，按办结标准已办结。")
        else:
            action = self.act(moment, actor, place, text=f"撤回 {ref} 重复上报", intent="withdraw")
            if action is None:
                return
            self.change(action, life, "withdraw", actor.id, "重复上报")
            self.reply(action, place, "withdrawn", f"已撤回 {ref}。")

    def _ask_category(self, action: Action, life: Life, by: Who) -> datetime:
        """The reporter is asked to pick the category (a pending question); the moment the answer will come."""
        row = life.row
        options = list(row["candidates"][:3])
        body = "\n".join(f"{n}. {s}" for n, s in enumerate(options, start=1))
        self.reply(
            action,
            (life.grid.group_id, life.grid.group),
            "ask_category",
            f"{life.ref} 的类别不太确定，请回复数字选择：\n{body}",
        )
        moment = awake(self.rng, later(self.rng, action.at, 8))
        question = {
            "person_id": by.id,
            "group_id": life.grid.group_id,
            "kind": "category",
            "event_id": row["id"],
            "options": options,
            "asked_at": action.at,
            "answered_at": moment if moment <= END else None,
        }
        action.rows.append(("pending_question", question))
        return moment

    def _answer_category(self, life: Life, by: Who, moment: datetime) -> None:
        row = life.row
        answer = self.act(moment, by, (life.grid.group_id, life.grid.group), text="1", intent="choose_category")
        if answer is None:
            return
        self.change(
            answer,
            life,
            "choose_category",
            by.id,
            sector=row["sector"],
            item_code=row["item_code"],
            category_confirmed=True,
        )
        self.reply(
            answer, (life.grid.group_id, life.grid.group), "category_chosen", f"已将 {life.ref} 归为：{row['sector']}。"
        )

    def _wait_open(self, life: Life, until: datetime | None) -> None:
        """An open level-1 event is reminded at 1×, 2× and 3× the configured age (timing.py)."""
        hours = self.settings.open_event_reminder_hours
        created = life.row["created_at"]
        for n in range(1, 4):
            due = self.work.add(created, hours * n, urgent=life.urgent)
            stage = Stage(life.ref, f"open_{n}", due, self.work.notify_at(due, urgent=life.urgent))
            if until is not None and stage.at >= until:
                return
            action = self.act(stage.at)
            if action is None:
                return
            self.sent(action, stage)
            grid = life.grid
            self.post(
                action,
                (grid.group_id, grid.group),
                "reminder_open",
                f"⏰ 提醒：{life.ref}（{life.row['description']}）自 {shown(created)} 起仍在处置中。"
                f"处置完请发：办结 {life.ref} 处置结果",
                mentions=[grid.worker],
            )

    def _to_center(self, action: Action, life: Life, note: str) -> None:
        """`queue.enter_center_queue` at level 2, and the town center group is told."""
        self.change(
            action, life, "escalate", action.message["person_id"] if action.message else None, note, **self._queue(2)
        )
        town, row = life.town, life.row
        self.post(
            action,
            (town.center_id, town.center),
            "pending_center",
            f"📥【待派单】{life.ref}（{life.grid.name}）\n类别：{row['sector']}\n地点：{row['location']}\n情况：{row['description']}\n"
            f"上报说明：{note}\n请派单：派单 {life.ref} 科室名称",
        )

    @staticmethod
    def _queue(level: int, **more: Any) -> dict[str, Any]:
        return {
            "level": level,
            "holder_kind": "district_center" if level >= 3 else "town_center",
            "department_id": None,
            "accept_due": None,
            "resolve_due": None,
            **more,
        }

    def warning(self, at: datetime, grid: GridInfo) -> None:
        rng = self.rng
        item = self._item(self.warning_items)
        location, description = self._describe(grid, item)
        late = rng.random() < 0.05
        town = self.org.town_of[grid.town_id]
        row = _event_row(
            self.writer.give("event"),
            at,
            grid,
            source="warning",
            sector=item.sector,
            item_code=item.code,
            candidates=[item.sector],
            reporter_id=grid.worker.id,
            reported_in_group_id=grid.group_id,
            location=location,
            description=description,
            occurred_at=at - timedelta(hours=30) if late else None,
        )
        life = Life(row, True, grid, town, item, at)
        place = (grid.group_id, grid.group)
        action = self.act(at, grid.worker, place, text=f"#预警 {description}", intent="warning")
        if action is None:
            return
        row["inbox_message_id"] = action.inbox
        self.create(action, life, "warning", grid.worker.id, description, sector=item.sector, item=item.code, level=1)
        extra: dict[str, Any] = {"warning": True, "late": late, "flags": ["迟报"] if late else []}
        self.change(action, life, "direct_report", grid.worker.id, **self._queue(2, **extra))
        posted = (
            f"⚠️【预警直报】{life.ref}（{grid.name}，{grid.worker.name}）\n类别：{item.sector}\n地点：{location}\n"
            f"情况：{description}\n请核实：核实 {life.ref} 属实 / 核实 {life.ref} 不属实"
        )
        self.post(action, (town.center_id, town.center), "warning_posted", posted)
        self.post(action, (self.org.center_id, self.org.center), "warning_posted", posted)
        self.reply(action, place, "warning_received", f"⚠️ 预警 {life.ref} 已同时直报镇、新区网格中心（待核实）。")
        self.center_flow(life, verify_warning=True)

    def center_flow(self, life: Life, *, verify_warning: bool = False) -> None:
        """Waiting at the center (待派单), then dispatched, accepted, resolved and verified (workflow.md §3)."""
        rng, row, town = self.rng, life.row, life.town
        assert row["pending_since"] is not None
        since: datetime = row["pending_since"]
        moment = life.now
        if verify_warning:
            moment = later(rng, moment, 45) if rng.random() < 0.3 else office(rng, later(rng, moment, 45))
            by_district = rng.random() < 0.2
            seat = rng.choice(self.org.seats if by_district else town.seats)
            group = (self.org.center_id, self.org.center) if by_district else (town.center_id, town.center)
            true = rng.random() < 0.75
            verdict = "属实" if true else "不属实"
            if not true:
                self._wait_pending(life, since, moment)
            action = self.act(moment, seat, group, text=f"核实 {life.ref} {verdict}", intent="verify")
            if action is None:
                if not true:
                    return
                self._wait_pending(life, since, None)
                return
            if true:
                self.change(action, life, "warning_true", seat.id, warning_truth=verdict)
            else:
                self.close(action, life, "warning_false", "unfounded", seat.id, warning_truth=verdict)
            self.reply(action, group, "warning_verified", f"{life.ref} 预警已核实：{verdict}。")
            other = (town.center_id, town.center) if by_district else (self.org.center_id, self.org.center)
            self.post(action, other, "warning_verified", f"{life.ref} 预警已核实：{verdict}。")
            self.post(
                action, (life.grid.group_id, life.grid.group), "warning_verified", f"{life.ref} 预警已核实：{verdict}。"
            )
            if not true:
                return
        elif rng.random() < 0.1:
            moment = office(rng, later(rng, moment, 60))
            self._wait_pending(life, since, moment)
            seat = rng.choice(town.seats)
            reason = rng.choice(DISTRICT_REASONS)
            action = self.act(
                moment,
                seat,
                (town.center_id, town.center),
                text=f"上报新区 {life.ref} {reason}",
                intent="escalate_district",
            )
            if action is None:
                return
            self.change(action, life, "escalate_district", seat.id, reason, **self._queue(3, escalation_reason=reason))
            self.post(
                action,
                (self.org.center_id, self.org.center),
                "pending_district",
                f"📥【新区待派单】{life.ref}（{town.name} {life.grid.name}）理由：{reason}\n情况：{row['description']}",
            )
            self.reply(
                action,
                (town.center_id, town.center),
                "escalated_district",
                f"⬆️ {life.ref} 已上报{DISTRICT}网格中心（待派单，理由：{reason}）。",
            )
            since = row["pending_since"]
        for attempt in range(2):
            if not self._dispatch_and_handle(life, attempt):
                return
            if row["status"] != "pending":
                break
        if row["status"] != "closed":
            return
        self._rate(life)
        self._check(life)

    def _wait_pending(self, life: Life, since: datetime, until: datetime | None) -> None:
        due = self.work.add(since, self.settings.center_dispatch_hours, urgent=life.urgent)
        self.wait(life, "pending", since, due, until)

    def _center(self, life: Life) -> tuple[tuple[int, str], list[Who]]:
        if life.row["level"] >= 3:
            return (self.org.center_id, self.org.center), self.org.seats
        return (life.town.center_id, life.town.center), life.town.seats

    def _dispatch_and_handle(self, life: Life, attempt: int) -> bool:
        """One dispatch and what follows. False when the history ends before the event is done; the event may
        come back to the center's queue (returned)."""
        rng, row = self.rng, life.row
        since = row["pending_since"]
        moment = later(rng, life.now, 20) if life.urgent else office(rng, later(rng, life.now, 50))
        self._wait_pending(life, since, moment)
        group, seats = self._center(life)
        seat = rng.choice(seats)
        dept = self.org.handling(row["sector"], life.town, row["level"])
        if attempt:
            others = self.org.departments if row["level"] >= 3 else life.town.departments
            dept = next(d for d in others if d.id != life.returned_by)
        action = self.act(moment, seat, group, text=f"派单 {life.ref} {dept.name}", intent="dispatch")
        if action is None:
            return False
        item = life.item
        accept_due = self.work.add(moment, item.accept_hours if item else 2.0, urgent=life.urgent)
        self.change(
            action,
            life,
            "dispatch",
            seat.id,
            dept.name,
            holder_kind="department",
            department_id=dept.id,
            level=row["level"],
            accept_due=accept_due,
            resolve_due=None,
        )
        due = shown(accept_due)
        self.post(
            action,
            (dept.group_id, dept.group),
            "dispatched_to_department",
            f"📌【派单】{life.ref} 派给{dept.name}（来自{life.grid.name}）\n"
            f"类别：{row['sector']}\n地点：{row['location']}\n"
            f"情况：{row['description']}\n请于 {due} 前签收：签收 {life.ref}",
            mentions=dept.staff,
        )
        self.reply(action, group, "dispatched", f"✅ {life.ref} 已派单至{dept.name}，签收时限 {due}。")
        staff = rng.choice(dept.staff)
        place = (dept.group_id, dept.group)
        if rng.random() < 0.05:  # accepted late (and flagged 推诿不受理)
            moment = office(rng, accept_due + timedelta(hours=rng.uniform(0.5, 30)))
        else:  # urgent matters at once, whatever the hour
            moment = later(rng, moment, 15) if life.urgent else office(rng, later(rng, moment, 40))
        self._wait(life, "accept", row["accept_from"], accept_due, moment)
        if attempt == 0 and rng.random() < 0.05:
            return self._return(life, dept, staff, moment)
        action = self.act(moment, staff, place, text=f"签收 {life.ref}", intent="accept")
        if action is None:
            return False
        resolve_due = self.work.add(moment, item.resolve_hours if item else 72.0, urgent=life.urgent)
        self.change(action, life, "accept", staff.id, resolve_due=resolve_due)
        grid = (life.grid.group_id, life.grid.group)
        if item is not None and item.closure is ClosureStandard.COORDINATION:
            self.close(action, life, "coordination", "coordination", staff.id)
            self.reply(
                action, place, "accepted_coordination", f"✅ {life.ref} 已签收，按办结标准进入协调即办结（已办结）。"
            )
            self.post(action, grid, "closed_coordination", f"✅ {life.ref} 已由{dept.name}进入协调，按办结标准已办结。")
            return True
        self.reply(
            action,
            place,
            "accepted",
            f"✅ {life.ref} 已签收，请于 {shown(resolve_due)} 前办结：办结 {life.ref} 处置结果",
        )
        self.post(action, grid, "progress_posted", f"🔄 {life.ref} 进展（{dept.name}）：已签收，正在办理")
        start = moment
        if attempt == 0 and rng.random() < 0.03:
            return self._return(life, dept, staff, office(rng, later(rng, moment, 240)))
        if rng.random() < 0.03:
            moment = office(rng, later(rng, moment, 600))
            self._wait(life, "resolve", row["resolve_from"], row["resolve_due"], moment)
            hours = rng.choice((24.0, 48.0, 72.0))
            action = self.act(
                moment, staff, place, text=f"延期 {life.ref} {hours:g}小时 需要协调施工队", intent="extend"
            )
            if action is None:
                return False
            self.change(
                action, life, "extension_requested", staff.id, "需要协调施工队", extension_requested_hours=hours
            )
            self.post(action, group, "extension_requested", f"⏳ {life.ref} 申请延期 {hours:g} 小时：需要协调施工队")
            self.reply(
                action, place, "extension_submitted", f"已提交 {life.ref} 延期 {hours:g} 小时的申请，等待网格中心批准。"
            )
            moment = office(rng, later(rng, moment, 60))
            self._wait(life, "resolve", row["resolve_from"], row["resolve_due"], moment)
            action = self.act(moment, rng.choice(seats), group, text=f"同意延期 {life.ref}", intent="approve_extension")
            if action is None:
                return False
            new_due = self.work.add(row["resolve_due"], hours, urgent=life.urgent)
            self.change(
                action,
                life,
                "extension_approved",
                action.message["person_id"] if action.message else None,
                f"{hours:g} 小时",
                extension_requested_hours=None,
                resolve_due=new_due,
            )
            self.reply(action, group, "extension_approved", f"✅ 已批准 {life.ref} 延期 {hours:g} 小时。")
            self.post(action, place, "extension_approved", f"✅ 已批准 {life.ref} 延期 {hours:g} 小时。")
            start = moment
        for round_ in range(2):
            late = rng.random() < 0.05
            if late:
                moment = office(rng, max(row["resolve_due"], start) + timedelta(hours=rng.uniform(1, 48)))
            elif row["resolve_due"] > start:
                moment = office(rng, start + (row["resolve_due"] - start) * rng.uniform(0.05, 0.9))
            else:
                moment = office(rng, later(rng, start, 240))
            self._wait(life, "resolve", row["resolve_from"], row["resolve_due"], moment, start)
            result = rng.choice(RESULTS)
            action = self.act(moment, staff, place, text=f"办结 {life.ref} {result}", intent="resolve")
            if action is None:
                return False
            self.change(action, life, "resolve", staff.id, result, after=result)
            self.post(
                action,
                group,
                "resolved_for_check",
                f"🔍【待核查】{life.ref}（{dept.name}）办理结果：{result}\n"
                f"请核查：核查 {life.ref} 通过 / 核查 {life.ref} 不通过 理由",
            )
            self.reply(action, place, "resolved", f"✅ {life.ref} 已报办结（待核查），等待网格中心核查。")
            verify_since = row["verify_since"]
            moment = office(rng, later(rng, moment, 150))
            verify_due = self.work.add(verify_since, self.settings.center_verify_hours, urgent=life.urgent)
            self.wait(life, "verify", verify_since, verify_due, moment)
            seat = rng.choice(seats)
            fail = round_ == 0 and rng.random() < 0.05
            action = self.act(
                moment,
                seat,
                group,
                text=f"核查 {life.ref} {'不通过 现场仍有问题' if fail else '通过'}",
                intent="verify",
            )
            if action is None:
                return False
            if fail:
                self.change(action, life, "verify_fail", seat.id, "现场仍有问题")
                self.reply(action, group, "verify_failed", f"❌ {life.ref} 核查未通过：现场仍有问题，请继续办理。")
                self.post(
                    action,
                    place,
                    "verify_failed",
                    f"❌ {life.ref} 核查未通过：现场仍有问题，请继续办理。",
                    mentions=dept.staff,
                )
                start = moment
                continue
            self.close(action, life, "verify_pass", "resolution", seat.id)
            self.reply(action, group, "verified_closed", f"✅ {life.ref} 核查通过，已办结。")
            self.post(action, grid, "closed_posted", f"✅ {life.ref} 已办结。办理结果：{row['after']}")
            self.post(action, place, "verified_closed", f"✅ {life.ref} 核查通过，已办结。")
            return True
        return True

    def _wait(
        self,
        life: Life,
        kind: str,
        start: datetime | None,
        due: datetime | None,
        until: datetime,
        since: datetime | None = None,
    ) -> None:
        if start is not None and due is not None:
            self.wait(life, kind, start, due, until, since)

    def _return(self, life: Life, dept: Dept, staff: Who, moment: datetime) -> bool:
        row = life.row
        reason = self.rng.choice(RETURN_REASONS)
        action = self.act(moment, staff, (dept.group_id, dept.group), text=f"退回 {life.ref} {reason}", intent="return")
        if action is None:
            return False
        self.change(action, life, "return", staff.id, reason, **self._queue(row["level"], returns=row["returns"] + 1))
        life.returned_by = dept.id
        group, _ = self._center(life)
        self.post(
            action,
            group,
            "returned_to_center",
            f"↩️ {life.ref} 被{dept.name}退回（第 {row['returns']} 次）：{reason}\n请重新派单：派单 {life.ref} 科室名称",
        )
        self.reply(action, (dept.group_id, dept.group), "returned", f"↩️ {life.ref} 已退回网格中心（待派单）。")
        return True

    def _rate(self, life: Life) -> None:
        """评价: the grid rates the department that handled the event, or the department rates the grid worker."""
        rng, row = self.rng, life.row
        roll = rng.random()
        if roll >= 0.5 or row["department_id"] is None:
            return
        verdict = rng.choices([v for v, _ in VERDICTS], weights=[w for _, w in VERDICTS])[0]
        dept = self._dept(row["department_id"])
        if roll < 0.35:
            rater, role, place = life.grid.worker, "grid", (life.grid.group_id, life.grid.group)
        else:
            rater, role, place = rng.choice(dept.staff), "department", (dept.group_id, dept.group)
        moment = awake(rng, later(rng, life.now, 240, 1.2))
        action = self.act(moment, rater, place, text=f"评价 {life.ref} {verdict}", intent="rate")
        if action is None:
            return
        action.rows.append(
            (
                "rating",
                {
                    "event_id": row["id"],
                    "rater_id": rater.id,
                    "rater_role": role,
                    "department_id": dept.id,
                    "grid_worker_id": life.grid.worker.id,
                    "verdict": verdict,
                    "comment": "",
                    "at": moment,
                },
            )
        )
        self.change(action, life, "rate", rater.id, verdict)
        self.reply(action, place, "rated", f"已记录对 {life.ref} 的评价：{verdict}。谢谢！")

    def _check(self, life: Life) -> None:
        """抽查: the center checks a few closed events; an unqualified one is deleted (and costs points)."""
        rng, row = self.rng, life.row
        roll = rng.random()
        if roll >= 0.02 or row["status"] != "closed":
            return
        seat = rng.choice(life.town.seats)
        group = (life.town.center_id, life.town.center)
        moment = office(rng, life.now + timedelta(days=rng.uniform(1, 10)))
        if roll < 0.003:
            action = self.act(moment, seat, group, text=f"抽查 {life.ref} 不合格 照片与描述不符", intent="check")
            if action is None:
                return
            self.change(action, life, "check_fail", seat.id, "照片与描述不符", flags=[*row["flags"], "抽查不合格"])
            body = f"❌【抽查不合格】{life.ref}（{life.grid.name}）：照片与描述不符"
            self.post(
                action, (life.grid.group_id, life.grid.group), "check_failed_notice", body, mentions=[life.grid.worker]
            )
            self.post(action, group, "check_failed_notice", body)
            self.reply(action, group, "check_failed", f"已记录 {life.ref} 抽查不合格：照片与描述不符。")
            return
        action = self.act(moment, seat, group, text=f"抽查 {life.ref} 合格", intent="check")
        if action is None:
            return
        self.change(action, life, "check_pass", seat.id)
        self.reply(action, group, "check_passed", f"已记录 {life.ref} 抽查合格。")

    # ------------------------------------------------------------------------------------------- directives

    def directive(self, at: datetime) -> None:
        """A department issues a directive (部门指令); the centers of its review chain pass it in turn."""
        rng, org = self.rng, self.org
        if rng.random() < 0.15:
            dept = rng.choice(org.departments)
            towns = (
                org.towns
                if rng.random() < 0.3
                else sorted(rng.sample(org.towns, min(2, len(org.towns))), key=lambda t: t.id)
            )
            grids = [g for t in towns for g in t.grids]
            targets = [t.name for t in towns]
            chain = [f"district:{org.district_id}", *(f"town:{t.id}" for t in towns)]
        else:
            town = rng.choice(org.towns)
            dept = rng.choice(town.departments)
            if rng.random() < 0.6:
                grids, targets = list(town.grids), ["全镇"]
            else:
                village = rng.choice(sorted(town.villages))
                grids, targets = list(town.villages[village]), [village]
            chain = [f"town:{town.id}"]
        sector = rng.choice([s for s in dept.sectors if self.report_items.get(s)])
        item = rng.choice(self.report_items[sector])
        kind = rng.choice(DIRECTIVE_KINDS)
        deadline_day = local(at).date() + timedelta(days=rng.randint(4, 15))
        issuer = dept.staff[0]
        directive: dict[str, Any] = {
            "id": self.writer.give("directive"),
            "department_id": dept.id,
            "issuer_id": issuer.id,
            "inbox_message_id": None,
            "title": f"{item.name}{kind}",
            "sector": sector,
            "item_code": item.code,
            "kind": kind,
            "targets": targets,
            "grid_ids": [g.id for g in grids],
            "requirements": rng.choice(REQUIREMENTS),
            "deadline": datetime.combine(deadline_day, clock(18, 0), SHANGHAI),
            "persons": [],
            "status": None,
            "review_chain": chain,
            "reviewers": [],
            "return_reason": None,
            "review_since": None,
            "created_at": at,
            "updated_at": at,
            "completed_at": None,
        }
        ref = f"D{directive['id']}"
        place = (dept.group_id, dept.group)
        body = (
            f"【部门指令】\n事项：{directive['title']}\n类别：{sector}\n类型：{kind}\n网格：{'、'.join(targets)}\n"
            f"要求：{directive['requirements']}\n截止：{deadline_day.month}月{deadline_day.day}日18时"
        )
        action = self.act(at, issuer, place, text=body, intent="directive")
        if action is None:
            return
        directive["inbox_message_id"] = action.inbox
        self.directives.append(directive)
        action.rows.append(("directive", directive))
        self.directive_entry(action, directive, "create", issuer.id, note=directive["title"])
        first = self._review_center(chain[0])
        self.post(
            action,
            first[0],
            "directive_for_review",
            f"🗂【指令待审核】{ref}（{dept.name}）\n事项：{directive['title']}\n"
            f"网格：{'、'.join(targets)}（{len(grids)} 个网格）\n要求：{directive['requirements']}",
        )
        self.reply(
            action,
            place,
            "directive_submitted",
            f"📝 指令 {ref} 已提交{first[1]}网格中心审核（待审核，涉及 {len(grids)} 个网格）。",
        )
        moment = at
        for index, key in enumerate(chain):
            (group, name), seats = self._review_center(key), self._review_seats(key)
            moment = office(rng, later(rng, moment, 60))
            due = self.work.add(directive["review_since"], self.settings.directive_review_hours, urgent=False)
            for stage in self.stages(ref, "review", directive["review_since"], due, False):
                if stage.at >= moment:
                    break
                reminder = self.act(stage.at)
                if reminder is None:
                    return
                self.sent(reminder, stage)
                self.post(
                    reminder,
                    group,
                    "reminder_review",
                    f"⏰ 指令 {ref} 待{name}网格中心审核，时限 {shown(due)}：通过 {ref}",
                    mentions=seats,
                )
            seat = rng.choice(seats)
            if index == 0 and rng.random() < 0.04:
                action = self.act(moment, seat, group, text=f"退回 {ref} 要求不够具体", intent="return_directive")
                if action is None:
                    return
                directive["return_reason"] = "要求不够具体"
                self.directive_entry(action, directive, "return", seat.id, note="要求不够具体")
                self.reply(action, group, "directive_returned", f"↩️ 指令 {ref} 已退回（{name}）：要求不够具体")
                self.post(
                    action,
                    place,
                    "directive_returned",
                    f"↩️ 指令 {ref} 被{name}网格中心退回：要求不够具体",
                    mentions=[issuer],
                )
                return
            if index == len(chain) - 1:
                if moment <= END:
                    self._birth(moment, "dispatch", (directive, dept, grids, seat, group, name))
                return
            action = self.act(moment, seat, group, text=f"通过 {ref}", intent="approve")
            if action is None:
                return
            directive["reviewers"] = [*directive["reviewers"], name]
            self.directive_entry(action, directive, "approve", seat.id, note=name)
            following = self._review_center(chain[index + 1])
            self.post(
                action,
                following[0],
                "directive_for_review",
                f"🗂【指令待审核】{ref}（{dept.name}）\n事项：{directive['title']}",
            )
            self.reply(action, group, "directive_approved_next", f"✅ {ref} 已由{name}审核通过，转{following[1]}审核。")
            self.post(
                action,
                place,
                "directive_approved_next",
                f"✅ {ref} 已由{name}审核通过，转{following[1]}审核。",
                mentions=[issuer],
            )

    def _review_center(self, key: str) -> tuple[tuple[int, str], str]:
        kind, raw = key.split(":")
        if kind == "district":
            return (self.org.center_id, self.org.center), DISTRICT
        town = self.org.town_of[int(raw)]
        return (town.center_id, town.center), town.name

    def _review_seats(self, key: str) -> list[Who]:
        kind, raw = key.split(":")
        return self.org.seats if kind == "district" else self.org.town_of[int(raw)].seats

    def dispatch_directive(self, at: datetime, payload: Any) -> None:
        """The last center's 通过: one task and one task event per target grid, then each grid's answers."""
        directive, dept, grids, seat, group, name = payload
        rng = self.rng
        ref = f"D{directive['id']}"
        action = self.act(at, seat, group, text=f"通过 {ref}", intent="approve")
        if action is None:
            return
        directive["reviewers"] = [*directive["reviewers"], name]
        self.directive_entry(action, directive, "approve", seat.id, note=name)
        self.directive_entry(action, directive, "dispatch", seat.id)
        deadline: datetime = directive["deadline"]
        tasks: list[tuple[dict[str, Any], Life]] = []
        for grid in grids:
            row = _event_row(
                self.writer.give("event"),
                at,
                grid,
                source="directive",
                sector=directive["sector"],
                item_code=directive["item_code"],
                description=f"【{dept.name}指令 {ref}】{directive['title']}：{directive['requirements']}",
                resolve_due=deadline,
            )
            life = Life(row, False, grid, self.org.town_of[grid.town_id], None, at)
            self.create(action, life, "directive_task", seat.id, ref)
            task = {
                "id": self.writer.give("directive_task"),
                "directive_id": directive["id"],
                "grid_id": grid.id,
                "event_id": row["id"],
                "status": None,
                "deadline": deadline,
                "acknowledged_at": None,
                "done_at": None,
                "result": "",
                "extension_requested_hours": None,
                "created_at": at,
            }
            row["directive_task_id"] = task["id"]
            action.rows.append(("directive_task", task))
            self.directive_entry(action, directive, "task_created", seat.id, task=task, note=grid.name)
            self.post(
                action,
                (grid.group_id, grid.group),
                "directive_task_posted",
                f"📣【部门指令】{ref}（{dept.name}）\n事项：{directive['title']}\n要求：{directive['requirements']}\n"
                f"截止：{shown(deadline)}\n请回复：收到 {ref}；完成后发：完成 {ref} 完成情况",
                mentions=[grid.worker],
            )
            tasks.append((task, life))
        self.reply(action, group, "directive_dispatched", f"✅ 指令 {ref} 审核通过，已下发 {len(grids)} 个网格。")
        self.post(
            action,
            (dept.group_id, dept.group),
            "directive_approved_issuer",
            f"✅ 指令 {ref} 已由{name}网格中心审核通过，下发 {len(grids)} 个网格。",
            mentions=[dept.staff[0]],
        )
        plans: list[tuple[dict[str, Any], Life, datetime | None, datetime | None]] = []
        for task, life in tasks:
            acked = awake(rng, later(rng, at, 120, 1.0)) if rng.random() < 0.9 else None
            done: datetime | None = None
            roll = rng.random()
            start = acked or at
            if roll < 0.78:
                done = awake(rng, start + (deadline - start) * rng.uniform(0.05, 0.95))
            elif roll < 0.88:
                done = awake(rng, deadline + timedelta(hours=rng.uniform(2, 72)))
            if done is not None and acked is not None and done < acked:
                done = acked + timedelta(minutes=30)
            plans.append((task, life, acked, done))
        finished = sorted(d for _, _, _, d in plans if d is not None and d <= END)
        last: Action | None = None
        for task, life, acked, done in plans:
            action_done = self._task_life(directive, dept, task, life, acked, done, finished, len(plans))
            if action_done is not None and done == finished[-1]:
                last = action_done
        if last is not None and len(finished) == len(plans):
            directive["completed_at"] = last.at
            self.directive_entry(last, directive, "complete_all", None)
            self.post(
                last,
                (dept.group_id, dept.group),
                "directive_completed",
                f"🎉 指令 {ref}“{directive['title']}”全部 {len(plans)} 个网格已完成。",
                mentions=[dept.staff[0]],
            )

    def _task_life(
        self,
        directive: dict[str, Any],
        dept: Dept,
        task: dict[str, Any],
        life: Life,
        acked: datetime | None,
        done: datetime | None,
        finished: list[datetime],
        total: int,
    ) -> Action | None:
        """One grid's task: reminders while it waits, 收到, the overdue notice and flag, 完成 (in time order)."""
        ref = f"D{directive['id']}"
        subject = f"T{task['id']}"
        grid, deadline = life.grid, task["deadline"]
        place = (grid.group_id, grid.group)
        created = task["created_at"]
        steps: list[tuple[datetime, int, str, Stage | None]] = []
        ack_due = self.work.add(created, self.settings.directive_ack_hours, urgent=False)
        if ack_due < deadline:
            stage = Stage(subject, "task_ack", ack_due, self.work.notify_at(ack_due, urgent=False))
            if (acked is None or acked > stage.at) and (done is None or done > stage.at):
                steps.append((stage.at, 0, "stage", stage))
        before = self.work.rewind(deadline, timedelta(hours=self.settings.reminder_before_hours), urgent=False)
        if before > created:
            stage = Stage(subject, "task_before", deadline, self.work.notify_at(before, urgent=False))
            if done is None or done > stage.at:
                steps.append((stage.at, 1, "stage", stage))
        overdue = Stage(subject, "task_overdue", deadline, self.work.notify_at(deadline, urgent=False), overdue=True)
        if done is None or done > overdue.at:
            steps.append((overdue.at, 2, "stage", overdue))
        if acked is not None and (done is None or acked < done):
            steps.append((acked, 3, "ack", None))
        if done is not None:
            steps.append((done, 4, "done", None))
        last: Action | None = None
        for at, _, kind, step in sorted(steps, key=lambda s: (s[0], s[1])):
            if kind == "stage":
                assert step is not None
                stage = step
                action = self.act(at)
                if action is None:
                    break
                self.sent(action, stage)
                if stage.stage == "task_ack":
                    self.post(
                        action,
                        place,
                        "task_ack_reminder",
                        f"⏰ 指令 {ref}“{directive['title']}”还未回复收到：收到 {ref}",
                        mentions=[grid.worker],
                    )
                elif stage.stage == "task_before":
                    self.post(
                        action,
                        place,
                        "task_due_reminder",
                        f"⏰ 指令 {ref}“{directive['title']}”将于 {shown(deadline)} 到期：完成 {ref} 完成情况",
                        mentions=[grid.worker],
                    )
                else:
                    self.directive_entry(action, directive, "overdue", None, task=task, note=grid.name)
                    if "逾期未完成" not in life.row["flags"]:
                        self.change(
                            action, life, "flag", None, f"{ref} 逾期未完成", flags=[*life.row["flags"], "逾期未完成"]
                        )
                    body = (
                        f"🔴【逾期】指令 {ref}“{directive['title']}”{grid.name} 未在 {shown(deadline)} 前完成，"
                        "请网格长、网格指导员督促。"
                    )
                    self.post(action, place, "task_overdue", body, mentions=[grid.worker, grid.chief])
                    self.post(action, (dept.group_id, dept.group), "task_overdue", body)
            elif kind == "ack":
                action = self.act(at, grid.worker, place, text=f"收到 {ref}", intent="accept")
                if action is None:
                    break
                task["acknowledged_at"] = at
                self.directive_entry(action, directive, "acknowledge", grid.worker.id, task=task)
                self.change(action, life, "task_acknowledged", grid.worker.id, ref)
                self.reply(
                    action,
                    place,
                    "task_acknowledged",
                    f"✅ 已收到指令 {ref}，请于 {shown(deadline)} 前完成：完成 {ref} 完成情况",
                )
            else:
                result = f"已完成，共走访{self.rng.randrange(10, 80)}户"
                action = self.act(at, grid.worker, place, text=f"完成 {ref} {result}", intent="resolve")
                if action is None:
                    break
                if task["acknowledged_at"] is None:
                    task["acknowledged_at"] = at
                task["done_at"], task["result"] = at, result
                self.directive_entry(action, directive, "complete", grid.worker.id, task=task, note=result)
                self.close(action, life, "task_done", "self", grid.worker.id, after=result)
                action.rows.append(
                    (
                        "pending_question",
                        {
                            "person_id": grid.worker.id,
                            "group_id": grid.group_id,
                            "kind": "attach_after",
                            "event_id": life.row["id"],
                            "options": [],
                            "asked_at": at,
                            "answered_at": None,
                        },
                    )
                )
                count = finished.index(at) + 1
                self.reply(
                    action,
                    place,
                    "task_done",
                    f"✅ 指令 {ref} 本网格已完成（已完成网格 {count}/{total}）。有照片请接着发送。",
                )
                self.post(
                    action,
                    (dept.group_id, dept.group),
                    "directive_progress",
                    f"📊 指令 {ref}：{grid.name} 已完成（{count}/{total}）：{result}",
                )
                last = action
        return last

    # --------------------------------------------------------------------------------------------- schedules

    def scheduled_jobs(self, moment: datetime) -> None:
        """What the scheduler did that day: digests and rankings posted (`job_run`); at the end, its last run."""
        if moment == END:
            action = self.act(END)
            assert action is not None
            action.rows.append(("job_run", {"job": "scheduler", "period": "last_run", "ran_at": END}))
            return
        leaders = [((t.leaders_id, t.leaders), (t.center_id, t.center), t.name) for t in self.org.towns]
        leaders.append(((self.org.leaders_id, self.org.leaders), (self.org.center_id, self.org.center), DISTRICT))
        day = local(moment).date()
        jobs: list[tuple[str, str, str]] = []
        previous = day - timedelta(days=1)
        jobs.append(("daily", previous.isoformat(), f"{previous.month}月{previous.day}日"))
        if day.weekday() == 0:
            monday = day - timedelta(days=7)
            year, week, _ = monday.isocalendar()
            jobs.append(("weekly", f"{year}-W{week:02d}", f"{monday.month}月{monday.day}日起一周"))
        if day.day == 1:
            month = f"{previous:%Y-%m}"
            jobs += [
                ("monthly", month, f"{previous.year}年{previous.month}月"),
                ("ranking", month, f"{previous.year}年{previous.month}月"),
            ]
        action = self.act(moment)
        assert action is not None
        for job, period, label in jobs:
            action.rows.append(("job_run", {"job": job, "period": period, "ran_at": moment}))
            for group, center, place in leaders:
                if job == "ranking":
                    body = f"🏆【{place}专职网格员排名】{label}\n1. …"
                    self.post(action, group, "ranking", body)
                    self.post(action, center, "ranking", body)
                else:
                    name = {"daily": "日报", "weekly": "周报", "monthly": "月报"}[job]
                    self.post(
                        action,
                        group,
                        "digest",
                        f"📊【{place}{name}】{label}\n新增事件 … 件\n按大类：…\n办结 … 件\n预警 … 件\n超时未办 … 件",
                    )


def build(url: str, events: int, seed: int, shape: OrgShape | None = None) -> Counter[str]:
    """Create the tables in an empty database and write the organisation and a year of `events` into it."""
    engine = make_engine(url)
    try:
        return build_into(engine, events, seed, shape or OrgShape())
    finally:
        engine.dispose()


def build_into(
    engine: Engine,
    events: int,
    seed: int,
    shape: OrgShape,
    *,
    chat: float = CHAT_PER_EVENT,
    photos: float = PHOTOS,
    outbox: bool = True,
) -> Counter[str]:
    """`build` into an engine. A quicker test may leave out chat messages (`chat` per event), photos (`photos`, the
    share of reports sent after photos) and the bot's messages (`outbox`): rows no measured operation reads."""
    create_schema(engine)
    with engine.connect() as conn:
        if conn.execute(text("SELECT COUNT(*) FROM event")).scalar_one():
            raise SystemExit("the database already holds events: give an empty one")
    org = import_org(engine, shape, seed)
    return History(engine, org, events, seed, chat=chat, photos=photos, outbox=outbox).make()


def row_counts(counts: Counter[str]) -> Iterator[str]:
    for table in TABLE_ORDER:
        yield f"{table:>18} {counts[table]:>10,}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="sqlite:///path.db or postgresql+psycopg://…; tables are created")
    parser.add_argument("--events", type=int, default=30000, help="reports and warnings in the year (default 30000)")
    parser.add_argument("--seed", type=int, default=1)
    shape = OrgShape()
    parser.add_argument("--towns", type=int, default=shape.towns)
    parser.add_argument("--villages", type=int, default=shape.villages_per_town, help="villages per town")
    parser.add_argument("--grids", type=int, default=shape.grids_per_village, help="grids per village")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    counts = build(args.url, args.events, args.seed, OrgShape(args.towns, args.villages, args.grids))
    print(f"history of {args.events:,} events (seed {args.seed}) written in {time.perf_counter() - began:.1f} s")
    print("\n".join(row_counts(counts)))


if __name__ == "__main__":
    main()
