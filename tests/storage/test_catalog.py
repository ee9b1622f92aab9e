"""The catalog: the shipped default is complete, and `gridbot import catalog` checks files whole."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from sqlmodel import Session

from gridbot.intents.catalog import SECTOR_NAMES, ClosureStandard
from gridbot.storage.catalog_file import catalog_to_plain, load_catalog_file, load_default_catalog
from gridbot.storage.catalog_store import current_catalog, ensure_catalog, load_catalog
from gridbot.storage.importers import import_catalog_file
from gridbot.storage.org_views import catalog_table
from gridbot.storage.yamlfile import ImportFileError
from tests.storage.test_org_import import snapshot

NOW = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
HAZARD_WORDS = ("隐患", "事故", "灾", "泄漏", "损坏", "倒伏", "中毒", "疫情", "走失")


def test_the_default_catalog_has_all_24_sectors_and_at_least_120_valid_items() -> None:
    catalog = load_default_catalog()

    assert tuple(s.name for s in catalog.sectors) == SECTOR_NAMES
    assert len(catalog.items) >= 120
    codes = [i.code for i in catalog.items]
    assert len(codes) == len(set(codes))
    for sector in catalog.sectors:
        assert len(sector.items) >= 3, sector.name
    for item in catalog.items:
        assert len(item.keywords) >= 4, item.code
        assert len(set(item.keywords)) == len(item.keywords), item.code
        assert item.closure in (ClosureStandard.COORDINATION, ClosureStandard.RESOLUTION)
        assert 0 < item.accept_hours <= item.resolve_hours, item.code


def test_petitions_and_disputes_close_on_coordination() -> None:
    catalog = load_default_catalog()
    petitions = catalog.sector("信访")
    assert petitions is not None
    assert all(i.closure is ClosureStandard.COORDINATION for i in petitions.items)
    disputes = [i for i in catalog.items if "纠纷" in i.name and i.sector == "司法"]
    assert disputes and all(i.closure is ClosureStandard.COORDINATION for i in disputes)


def test_hazards_close_only_when_resolved() -> None:
    """A hazard (隐患, 事故, 灾情, 泄漏, 损坏…) is closed when it is dealt with, never on entering coordination."""
    hazards = [i for i in load_default_catalog().items if any(w in i.name for w in HAZARD_WORDS)]
    assert len(hazards) >= 20
    assert [i.code for i in hazards if i.closure is not ClosureStandard.RESOLUTION] == []


def test_the_catalog_prints_as_a_table() -> None:
    table = catalog_table(load_default_catalog())
    assert "【环境保护】" in table and "共 24 个大类" in table


def write_catalog(tmp_path: Path, plain: dict[str, object]) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_importing_a_catalog_stores_it_and_reimporting_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_catalog(tmp_path, catalog_to_plain(load_default_catalog()))
    changes = import_catalog_file(engine, path, now=NOW)
    assert changes["新增小类"] == len(load_default_catalog().items)
    before = snapshot(engine)

    assert not import_catalog_file(engine, path, now=NOW)
    assert snapshot(engine) == before
    with Session(engine) as session:
        assert load_catalog(session) == load_default_catalog()


def test_an_item_left_out_is_deactivated(engine: Engine, tmp_path: Path) -> None:
    plain = catalog_to_plain(load_default_catalog())
    with Session(engine) as session:
        ensure_catalog(session, now=NOW)
        session.commit()
    dropped = plain["sectors"][0]["items"].pop()  # type: ignore[index]
    changes = import_catalog_file(engine, write_catalog(tmp_path, plain), now=NOW)
    assert changes == {"停用小类": 1}
    with Session(engine) as session:
        assert load_catalog(session).item(dropped["code"]) is None


def test_the_catalog_is_read_once_per_process_and_again_after_an_import(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        first = current_catalog(session, now=NOW)
        session.commit()
    with Session(engine) as session:
        assert current_catalog(session, now=NOW) is first  # the same object: not read from the store again
    plain = catalog_to_plain(load_default_catalog())
    dropped = plain["sectors"][0]["items"].pop()  # type: ignore[index]
    import_catalog_file(engine, write_catalog(tmp_path, plain), now=NOW)
    with Session(engine) as session:
        after = current_catalog(session, now=NOW)
    assert after is not first and after.item(dropped["code"]) is None


def _broken(mutate: str) -> dict[str, object]:
    plain = catalog_to_plain(load_default_catalog())
    first = plain["sectors"][0]
    if mutate == "sector":
        first["name"] = "园林绿化"
    elif mutate == "duplicate":
        plain["sectors"][1]["items"][0]["code"] = first["items"][0]["code"]
    elif mutate == "closure":
        first["items"][0]["closure"] = "resolved"
    elif mutate == "keywords":
        first["items"][0]["keywords"] = ["党员"]
    elif mutate == "hours":
        first["items"][0]["resolve_hours"] = -3
    return plain


@pytest.mark.parametrize(
    ("mutate", "value"),
    [
        ("sector", "园林绿化"),
        ("duplicate", "DJ01"),
        ("closure", "resolved"),
        ("keywords", "至少"),
        ("hours", "-3"),
    ],
)
def test_a_wrong_catalog_is_refused_with_its_line_and_changes_nothing(
    engine: Engine, tmp_path: Path, mutate: str, value: str
) -> None:
    path = write_catalog(tmp_path, _broken(mutate))
    before = snapshot(engine)
    with pytest.raises(ImportFileError) as refused:
        import_catalog_file(engine, path, now=NOW)
    assert value in str(refused.value)
    assert refused.value.line is not None and f"第 {refused.value.line} 行" in str(refused.value)
    assert snapshot(engine) == before


def test_a_catalog_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("sectors:\n  - name: 党建\n    items: [\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="YAML"):
        load_catalog_file(path)
