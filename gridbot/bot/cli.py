"""The `gridbot` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from gridbot.clock import SystemClock
from gridbot.settings import Settings, load_settings
from gridbot.storage.catalog_file import load_catalog_file, load_default_catalog
from gridbot.storage.catalog_store import ensure_catalog
from gridbot.storage.database import make_engine, transaction
from gridbot.storage.importers import import_catalog_file, import_org_file
from gridbot.storage.migrate import upgrade
from gridbot.storage.org_views import catalog_table, org_tree
from gridbot.storage.yamlfile import ImportFileError

DEMO_ORG_RESOURCE = "demo-org.yaml"


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    return make_engine(settings.database_url)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(_engine(settings))
    print("数据库已是最新结构")
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
        else:
            changes = import_catalog_file(engine, path, now=now)
            summary = "，".join(f"{k} {v}" for k, v in changes.items()) or "事项目录无变化"
            print(f"导入事项目录完成：{summary}")
    except ImportFileError as error:
        print(f"导入失败（未做任何修改）：{path}：{error}", file=sys.stderr)
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
    run_parse(sys.stdin, sys.stdout.write, catalog)
    sys.stdout.flush()
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """The main job until the full demo exists: a database with the demo organisation, printed as a tree."""
    engine = _engine(settings)
    upgrade(engine)
    demo = resources.files("gridbot.data").joinpath(DEMO_ORG_RESOURCE)
    with resources.as_file(demo) as path:
        report = import_org_file(engine, path, now=SystemClock().now())
    print(f"数据库：{settings.database_url}")
    print(f"导入演示组织：{report.summary()}\n")
    with transaction(engine) as session:
        print(org_tree(session))
    return 0


def cmd_scenario(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from gridbot.bot.scenario import run_scenario, scenario_files

    files = scenario_files(args.paths)
    passed = failed = 0
    for path in files:
        result = asyncio.run(run_scenario(path, settings))
        print(result.line(), flush=True)
        passed, failed = (passed + 1, failed) if result.passed else (passed, failed + 1)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and files else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridbot", description="网格助手：网格化基层治理机器人与中心控制台")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="数据库结构（Alembic 迁移）")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="升级到最新结构").set_defaults(handler=cmd_db_upgrade)

    imp = sub.add_parser("import", help="导入组织架构或事项目录（YAML）")
    imp.add_argument("kind", choices=["org", "catalog"])
    imp.add_argument("file")
    imp.set_defaults(handler=cmd_import)

    sub.add_parser("org", help="打印组织架构树").set_defaults(handler=cmd_org)

    cat = sub.add_parser("catalog", help="打印入格事项目录")
    cat.add_argument("--file", help="打印一个目录文件（不导入）")
    cat.add_argument("--default", action="store_true", help="打印内置默认目录")
    cat.set_defaults(handler=cmd_catalog)

    parse = sub.add_parser("parse", help="解析消息：标准输入 JSON Lines → 标准输出 JSON Lines")
    parse.add_argument("--catalog", help="使用此目录文件（默认：内置目录）")
    parse.set_defaults(handler=cmd_parse)

    scenario = sub.add_parser("scenario", help="运行对话场景（YAML 文件或文件夹）")
    scenario.add_argument("paths", nargs="+")
    scenario.set_defaults(handler=cmd_scenario)

    sub.add_parser("demo", help="演示：建库、导入演示组织并打印").set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    return handler(args, load_settings())


if __name__ == "__main__":
    raise SystemExit(main())
