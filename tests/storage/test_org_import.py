"""`gridbot import org`: the organisation file is checked whole, then written in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, col, select

from gridbot.storage.database import transaction
from gridbot.storage.importers import import_org_file
from gridbot.storage.models import Grid, Group, Person, Resident, RoleAssignment
from gridbot.storage.org_views import org_tree
from gridbot.storage.yamlfile import ImportFileError
from tests.conftest import fixture_file

MA_TING = '{name: 马婷, userid: mating, mobile: "13900000012", roles: [{role: grid_worker, grid: 红旗村二网格}]}'
NOW = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=30)


def example_text() -> str:
    return fixture_file("org-example.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, content: str, name: str = "org.yaml") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a refused import changed nothing."""
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def line_of(content: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(content.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in file")


def test_importing_the_example_creates_the_whole_organisation(engine: Engine, tmp_path: Path) -> None:
    report = import_org_file(engine, write(tmp_path, example_text()), now=NOW)

    assert report.created["网格"] == 3 and report.created["人员"] == 13 and report.created["居民"] == 1
    with Session(engine) as session:
        assert {g.name for g in session.exec(select(Grid)).all()} == {
            "红旗村一网格",
            "红旗村二网格",
            "前进社区网格",
        }
        assert len(session.exec(select(Group)).all()) == 2 + 2 + 5 + 3
        liu = session.exec(select(Person).where(Person.name == "刘洋")).one()
        assert liu.userid == "liuyang" and liu.mobile == "13900000011"
        tree = org_tree(session)
    assert "红旗村一网格" in tree and "刘洋（专职网格员）" in tree and "杜书记（网格长）" in tree


def test_reimporting_the_same_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, example_text())
    import_org_file(engine, path, now=NOW)
    before = snapshot(engine)

    report = import_org_file(engine, path, now=LATER)

    assert not report.changed
    assert report.summary() == "组织架构无变化"
    assert snapshot(engine) == before


def test_a_changed_file_updates_by_name_and_ends_vanished_roles_keeping_history(engine: Engine, tmp_path: Path) -> None:
    original = example_text()
    import_org_file(engine, write(tmp_path, original), now=NOW)
    changed = (
        original.replace(
            MA_TING,
            MA_TING.replace("13900000012", "13900000099").replace("红旗村二网格", "前进社区网格"),
        )
        .replace("  - {name: 宋楼长, userid: songlz, roles: [{role: part_time, grid: 前进社区网格}]}\n", "")
        .replace(
            "          - {name: 前进社区网格, group: 前进社区网格群, addresses: [阳光花园, 前进路]}",
            "          - {name: 前进社区网格, group: 前进社区网格群, addresses: [阳光花园, 前进路, 幸福里]}",
        )
    )
    assert changed.count("13900000099") == 1 and "宋楼长" not in changed

    report = import_org_file(engine, write(tmp_path, changed, "org2.yaml"), now=LATER)

    assert report.updated["人员"] == 1 and report.updated["网格"] == 1 and report.deactivated["人员"] == 1
    assert report.roles_ended == 2 and report.roles_started == 1
    with Session(engine) as session:
        ma = session.exec(select(Person).where(Person.name == "马婷")).one()
        history = session.exec(
            select(RoleAssignment, Grid)
            .where(RoleAssignment.person_id == ma.id, col(RoleAssignment.grid_id) == col(Grid.id))
            .order_by(col(RoleAssignment.valid_from))
        ).all()
        assert [(grid.name, a.valid_from, a.valid_to) for a, grid in history] == [
            ("红旗村二网格", NOW, LATER),
            ("前进社区网格", LATER, None),
        ]
        song = session.exec(select(Person).where(Person.name == "宋楼长")).one()
        assert song.active is False
        roles = session.exec(select(RoleAssignment).where(RoleAssignment.person_id == song.id)).all()
        assert [r.valid_to for r in roles] == [LATER]
        grid = session.exec(select(Grid).where(Grid.name == "前进社区网格")).one()
        assert grid.addresses == ["阳光花园", "前进路", "幸福里"]


def test_a_grid_left_out_of_a_new_file_is_deactivated_not_deleted(engine: Engine, tmp_path: Path) -> None:
    original = example_text()
    import_org_file(engine, write(tmp_path, original), now=NOW)
    without = original.replace(
        "          - {name: 红旗村二网格, group: 红旗村二网格群, addresses: [红旗村3组, 红旗村4组]}\n", ""
    ).replace(
        f"  - {MA_TING}\n",
        "",
    )

    import_org_file(engine, write(tmp_path, without, "org2.yaml"), now=LATER)

    with Session(engine) as session:
        grid = session.exec(select(Grid).where(Grid.name == "红旗村二网格")).one()
        group = session.exec(select(Group).where(Group.name == "红旗村二网格群")).one()
        assert grid.active is False and group.active is False


REJECTIONS = [
    pytest.param(
        "role: grid_chief, village: 红旗村",
        "role: grid_boss, village: 红旗村",
        "grid_boss",
        id="unknown-role",
    ),
    pytest.param(
        "{role: grid_worker, grid: 红旗村二网格}",
        "{role: grid_worker, grid: 红旗村五网格}",
        "红旗村五网格",
        id="unknown-grid",
    ),
    pytest.param(
        "role: grid_chief, village: 红旗村",
        "role: grid_chief, village: 白云村",
        "白云村",
        id="unknown-village",
    ),
    pytest.param("department: 综合执法队}", "department: 综合治理队}", "综合治理队", id="unknown-department"),
    pytest.param("center: 永乐镇}", "center: 长乐镇}", "长乐镇", id="unknown-center"),
    pytest.param("sectors: [综治, 信访, 警务]", "sectors: [综治, 信访, 治安]", "治安", id="unknown-sector"),
    pytest.param("{name: 高峰, userid: gaofeng,", "{name: 刘洋, userid: gaofeng,", "刘洋", id="duplicate-person"),
    pytest.param(
        "{name: 红旗村二网格, group: 红旗村二网格群",
        "{name: 红旗村一网格, group: 红旗村二网格群",
        "红旗村一网格",
        id="duplicate-grid",
    ),
    pytest.param("group: 红旗村二网格群", "group: 红旗村一网格群", "红旗村一网格群", id="duplicate-group"),
]


@pytest.mark.parametrize(("original", "replacement", "value"), REJECTIONS)
def test_a_wrong_file_is_refused_with_its_line_and_value_and_changes_nothing(
    engine: Engine, tmp_path: Path, original: str, replacement: str, value: str
) -> None:
    content = example_text()
    import_org_file(engine, write(tmp_path, content), now=NOW)
    before = snapshot(engine)
    assert original in content
    wrong = content.replace(original, replacement, 1)
    # A duplicate is reported where it is used the second time.
    expected_line = line_of(wrong, replacement, occurrence=wrong.count(replacement))

    with pytest.raises(ImportFileError) as refused:
        import_org_file(engine, write(tmp_path, wrong, "wrong.yaml"), now=LATER)

    assert refused.value.line == expected_line
    assert f"第 {expected_line} 行" in str(refused.value)
    assert value in str(refused.value)
    assert snapshot(engine) == before


def test_a_wrong_file_into_an_empty_store_leaves_it_empty(engine: Engine, tmp_path: Path) -> None:
    wrong = example_text().replace("{role: grid_worker, grid: 红旗村二网格}", "{role: grid_worker, grid: 红旗村五网格}")
    before = snapshot(engine)

    with pytest.raises(ImportFileError, match="红旗村五网格"):
        import_org_file(engine, write(tmp_path, wrong), now=NOW)

    assert snapshot(engine) == before


def test_a_yaml_syntax_error_names_its_line(engine: Engine, tmp_path: Path) -> None:
    lines = example_text().splitlines()
    lines[5] = lines[5] + " ]: ["
    with pytest.raises(ImportFileError) as refused:
        import_org_file(engine, write(tmp_path, "\n".join(lines)), now=NOW)
    assert "YAML" in str(refused.value) and refused.value.line is not None and refused.value.line >= 6


def test_bindings_attach_channels_to_named_groups(engine: Engine, tmp_path: Path) -> None:
    content = example_text() + "bindings:\n  红旗村一网格群: {wecom_chat_id: wrkABC, robot_key: k-1}\n"
    import_org_file(engine, write(tmp_path, content), now=NOW)
    with Session(engine) as session:
        group = session.exec(select(Group).where(Group.name == "红旗村一网格群")).one()
    assert group.bindings == {"wecom_chat_id": "wrkABC", "robot_key": "k-1"}

    with pytest.raises(ImportFileError, match="白云群"):
        import_org_file(engine, write(tmp_path, content.replace("红旗村一网格群: {", "白云群: {"), "b.yaml"), now=NOW)


def test_the_demo_organisation_covers_every_role_and_sector(engine: Engine) -> None:
    from importlib import resources

    from gridbot.intents.catalog import SECTOR_NAMES
    from gridbot.storage.models import Department, Role

    demo = resources.files("gridbot.data").joinpath("demo-org.yaml")
    with resources.as_file(demo) as path:
        import_org_file(engine, path, now=NOW)
    with transaction(engine) as session:
        roles = {a.role for a in session.exec(select(RoleAssignment)).all()}
        departments = session.exec(select(Department)).all()
        grids = session.exec(select(Grid)).all()
        residents = session.exec(select(Resident)).all()
        villages = session.execute(text("SELECT COUNT(*) FROM village")).scalar_one()
    assert roles == {r.value for r in Role}
    town_departments = [d for d in departments if d.level == "town"]
    assert len(town_departments) >= 8 and len([d for d in departments if d.level == "district"]) == 2
    assert {s for d in town_departments for s in d.sectors} == set(SECTOR_NAMES)
    assert villages >= 6 and len(grids) >= 12 and len(residents) >= 3
