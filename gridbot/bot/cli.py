"""The `gridbot` command line."""

from __future__ import annotations

import argparse
import logging
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from gridbot.bot.logs import configure_logging, mask_log_output
from gridbot.bot.records import import_records_file
from gridbot.clock import SystemClock
from gridbot.intents.masking import mask_text
from gridbot.settings import Settings, load_settings
from gridbot.storage.catalog_file import load_catalog_file, load_default_catalog
from gridbot.storage.catalog_store import ensure_catalog
from gridbot.storage.database import make_engine, transaction
from gridbot.storage.importers import import_catalog_file, import_org_file
from gridbot.storage.migrate import upgrade
from gridbot.storage.org_views import catalog_table, org_tree
from gridbot.storage.yamlfile import ImportFileError

DEMO_ORG_RESOURCE = "demo-org.yaml"

log = logging.getLogger(__name__)


def _warn_raw(command: str) -> None:
    log.warning("gridbot %s --raw: personal numbers (phones, ID numbers, cards) written unmasked", command)


def _engine(settings: Settings) -> Engine:
    return make_engine(settings.database_url)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(_engine(settings))
    print("数据库已是最新结构")
    return 0


def cmd_db_backup(args: argparse.Namespace, settings: Settings) -> int:
    from gridbot.storage.backup import backup

    target = Path(args.file)
    try:
        backup(settings.database_url, target)
    except (FileExistsError, ValueError) as error:
        print(error)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"pg_dump 失败：{error.stderr.decode('utf-8', 'replace').strip()}")
        return 1
    print(f"数据库已备份到 {target}（照片目录 {settings.media_dir} 请一并备份）")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    upgrade(engine)
    now = SystemClock().now()
    path = Path(args.file)
    try:
        if args.kind == "org":
            report = import_org_file(engine, path, now=now)
            print(f"导入组织架构完成：{report.summary()}")
        elif args.kind == "records":
            imported, missed = import_records_file(engine, path, now=now, settings=settings)
            print(f"导入外部记录完成：新增 {imported} 条摸排任务，其中未报预警 {missed} 条")
        else:
            changes = import_catalog_file(engine, path, now=now)
            summary = "，".join(f"{k} {v}" for k, v in changes.items()) or "事项目录无变化"
            print(f"导入事项目录完成：{summary}")
    except ImportFileError as error:
        print(mask_text(f"导入失败（未做任何修改）：{path}：{error}"), file=sys.stderr)
        return 1
    return 0


def cmd_org(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings)
    upgrade(engine)
    with transaction(engine) as session:
        tree = org_tree(session)
    print(tree or "尚未导入组织架构：请先运行 gridbot import org FILE.yaml")
    return 0


def cmd_catalog(args: argparse.Namespace, settings: Settings) -> int:
    if args.file:
        try:
            catalog = load_catalog_file(Path(args.file))
        except ImportFileError as error:
            print(f"目录文件有误：{error}", file=sys.stderr)
            return 1
    elif args.default:
        catalog = load_default_catalog()
    else:
        engine = _engine(settings)
        upgrade(engine)
        with transaction(engine) as session:
            catalog = ensure_catalog(session, now=SystemClock().now())
    print(catalog_table(catalog))
    return 0


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    from gridbot.intents.jsonl import run_parse

    try:
        catalog = load_catalog_file(Path(args.catalog)) if args.catalog else load_default_catalog()
    except ImportFileError as error:
        print(f"目录文件有误：{error}", file=sys.stderr)
        return 1

    def write(line: str) -> None:
        sys.stdout.write(line)

    if args.raw:
        _warn_raw("parse")
    run_parse(sys.stdin, write, catalog, raw=args.raw)
    sys.stdout.flush()
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """The main job: ./gridbot.db with the demo organisation, its tree, then a day of the town played through."""
    import asyncio

    from gridbot.bot.demo import play_demo

    engine = _engine(settings)
    upgrade(engine)
    demo = resources.files("gridbot.data").joinpath(DEMO_ORG_RESOURCE)
    with resources.as_file(demo) as path:
        report = import_org_file(engine, path, now=SystemClock().now())
    print(f"数据库：{settings.database_url}")
    print(f"导入演示组织：{report.summary()}\n")
    with transaction(engine) as session:
        print(org_tree(session))
    print("\n===== 演示：一天的网格工作（模拟通道，时间为模拟时间）=====")
    asyncio.run(play_demo(settings, SystemClock().now(), _import_org_into, print))
    return 0


def cmd_scenario(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from gridbot.bot.scenario import run_scenario, scenario_files

    files = scenario_files(args.paths)
    passed = failed = 0
    for path in files:
        result = asyncio.run(run_scenario(path, settings))
        print(mask_text(result.line()), flush=True)
        passed, failed = (passed + 1, failed) if result.passed else (passed, failed + 1)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and files else 1


def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise argparse.ArgumentTypeError("月份应写成 2026-04")
    return value


def cmd_scores(args: argparse.Namespace, settings: Settings) -> int:
    from gridbot.governance.scores import ranking, update_ledger
    from gridbot.schedules.exports import RANKING_HEADER, ranking_rows, text_table, write_xlsx

    engine = _engine(settings)
    upgrade(engine)
    with transaction(engine) as session:
        update_ledger(session, settings, SystemClock().now())
        rows = ranking_rows(ranking(session, args.month))
    print(f"{args.month} 专职网格员排名")
    print(text_table(RANKING_HEADER, rows))
    if args.xlsx:
        write_xlsx(Path(args.xlsx), f"{args.month}排名", RANKING_HEADER, rows)
        print(f"已导出：{args.xlsx}")
    return 0


def cmd_departments(args: argparse.Namespace, settings: Settings) -> int:
    from gridbot.periods import month_of
    from gridbot.schedules.exports import DEPARTMENT_HEADER, department_rows, text_table, write_xlsx
    from gridbot.storage.stats import department_figures

    engine = _engine(settings)
    upgrade(engine)
    period = month_of(args.month)
    with transaction(engine) as session:
        rows = department_rows(department_figures(session, start=period.start, end=period.end))
    print(f"{args.month} 部门考核")
    print(text_table(DEPARTMENT_HEADER, rows))
    if args.xlsx:
        write_xlsx(Path(args.xlsx), f"{args.month}部门", DEPARTMENT_HEADER, rows)
        print(f"已导出：{args.xlsx}")
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """A terminal conversation on a fresh in-memory store holding the demo (or the given) organisation."""
    import asyncio

    from gridbot.bot.chat import HELP, ChatSession
    from gridbot.storage.fresh import fresh_store

    async def repl() -> None:
        with fresh_store("sqlite://") as engine:
            _import_org_into(engine, Path(args.org) if args.org else None)
            session = ChatSession(engine, settings, SystemClock().now())
            print(HELP)
            while True:
                try:
                    line = await asyncio.to_thread(input, session.prompt())
                except EOFError:
                    break
                if line.strip() == "/quit":
                    break
                for output in await session.handle(line):
                    print(output)

    asyncio.run(repl())
    return 0


def _import_org_into(engine: Engine, path: Path | None) -> None:
    from gridbot.storage.importers import import_org_node
    from gridbot.storage.yamlfile import load_yaml_file, load_yaml_text

    if path is None:
        text = resources.files("gridbot.data").joinpath(DEMO_ORG_RESOURCE).read_text(encoding="utf-8")
        root = load_yaml_text(text)
    else:
        root = load_yaml_file(path)
    with transaction(engine) as session:
        import_org_node(session, root, now=SystemClock().now())


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from gridbot.bot.server import build_app

    configure_logging()
    engine = _engine(settings)
    upgrade(engine)
    web.run_app(build_app(settings, engine, SystemClock()), host=args.host, port=args.port, shutdown_timeout=30)
    return 0


def cmd_outbox(args: argparse.Namespace, settings: Settings) -> int:
    """Messages that did not go out (parked: no channel, refused, or too many failures), for the IT person;
    `retry` puts parked messages back in the queue (after the binding or the key is fixed)."""
    from sqlmodel import col, select

    from gridbot.clock import local
    from gridbot.storage.models import OutboxMessage
    from gridbot.storage.outbox_repo import requeue_parked

    engine = _engine(settings)
    upgrade(engine)
    if args.outbox_command == "retry":
        if not args.ids and not args.all:
            print("请写要重发的消息编号（如 gridbot outbox retry 12 13），或 --all 重发全部搁置的消息")
            return 2
        with transaction(engine) as session:
            count = requeue_parked(session, None if args.all else args.ids)
        print(f"已放回发送队列 {count} 条")
        return 0
    with transaction(engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.state).in_(args.state)).order_by(col(OutboxMessage.id))
        ).all()
        for row in rows:
            first_line = mask_text(row.text.splitlines()[0] if row.text else "")  # masked before it is cut
            line = f"#{row.id} {row.state} {local(row.created_at):%m-%d %H:%M} [{row.conversation}] {first_line[:60]}"
            print(mask_text(line + (f"  （{row.last_error}）" if row.last_error else "")))
    print(f"共 {len(rows)} 条")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridbot", description="网格助手：网格化基层治理机器人与中心控制台")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="数据库结构（Alembic 迁移）")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="升级到最新结构").set_defaults(handler=cmd_db_upgrade)
    db_backup = db_sub.add_parser(
        "backup", help="备份数据库（运行中也可以；SQLite 复制一份文件，PostgreSQL 用 pg_dump）"
    )
    db_backup.add_argument("file", help="备份文件（不能已存在）")
    db_backup.set_defaults(handler=cmd_db_backup)

    imp = sub.add_parser("import", help="导入组织架构、事项目录或外部记录（12345、警情、信访）（YAML）")
    imp.add_argument("kind", choices=["org", "catalog", "records"])
    imp.add_argument("file")
    imp.set_defaults(handler=cmd_import)

    sub.add_parser("org", help="打印组织架构树").set_defaults(handler=cmd_org)

    cat = sub.add_parser("catalog", help="打印入格事项目录")
    cat.add_argument("--file", help="打印一个目录文件（不导入）")
    cat.add_argument("--default", action="store_true", help="打印内置默认目录")
    cat.set_defaults(handler=cmd_catalog)

    parse = sub.add_parser("parse", help="解析消息：标准输入 JSON Lines → 标准输出 JSON Lines")
    parse.add_argument("--catalog", help="使用此目录文件（默认：内置目录）")
    parse.add_argument("--raw", action="store_true", help="输出原始手机号、身份证号等（默认打码；会记一条警告）")
    parse.set_defaults(handler=cmd_parse)

    scenario = sub.add_parser("scenario", help="运行对话场景（YAML 文件或文件夹）")
    scenario.add_argument("paths", nargs="+")
    scenario.set_defaults(handler=cmd_scenario)

    for name, handler, text in (
        ("scores", cmd_scores, "专职网格员月度得分排名"),
        ("departments", cmd_departments, "部门月度考核（按时签收、按时办结、退回、超时、评价）"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("month", type=_month, help="月份，如 2026-04")
        command.add_argument("--xlsx", help="同时导出为 Excel 文件")
        command.set_defaults(handler=handler)

    outbox = sub.add_parser("outbox", help="列出没有发出去、已搁置的消息（未绑定通道、被拒、多次失败）；retry 重发")
    outbox.add_argument(
        "--state",
        nargs="+",
        default=["parked"],
        choices=["parked", "pending", "sending", "sent"],
    )
    outbox.set_defaults(handler=cmd_outbox, outbox_command="list")
    outbox_sub = outbox.add_subparsers(dest="outbox_command")
    retry = outbox_sub.add_parser("retry", help="把搁置的消息放回发送队列（修好通道绑定或密钥之后）")
    retry.add_argument("ids", nargs="*", type=int, help="消息编号（gridbot outbox 列出的 #号）")
    retry.add_argument("--all", action="store_true", help="全部搁置的消息")

    serve = sub.add_parser("serve", help="运行服务：企业微信/网关回调、发送队列、定时任务、/healthz、/metrics")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(handler=cmd_serve)

    chat = sub.add_parser("chat", help="终端对话：选人、选群、打字，看机器人的回复和各群的消息")
    chat.add_argument("--org", help="组织架构文件（默认：演示组织）")
    chat.set_defaults(handler=cmd_chat)

    sub.add_parser("demo", help="演示：建库、导入演示组织并打印").set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    mask_log_output()  # warnings printed before (or without) the server's logging set-up are masked too
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, load_settings())
    except BrokenPipeError:  # `gridbot org | head` is fine
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
