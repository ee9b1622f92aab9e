"""The `gridbot` command line, called as a user would (through `main`), on a throwaway SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gridbot.bot.cli import main
from tests.conftest import fixture_file

EXAMPLES = Path(__file__).resolve().parents[1] / "scenarios" / "examples"


def example_scenario(name: str) -> Path:
    """One of the example scenarios under tests/scenarios/examples; its absence fails the test loudly."""
    path = EXAMPLES / name
    if not path.is_file():
        pytest.fail(f"missing example scenario {path}")
    return path


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "gridbot.db"
    monkeypatch.setenv("GRIDBOT_DATABASE_URL", f"sqlite:///{path}")
    return path


def test_demo_builds_the_database_prints_the_tree_and_plays_a_day(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert database.exists()
    assert "永乐镇" in out and "东村第一网格" in out and "王芳（专职网格员）" in out
    assert "E1 已办结" in out and "E2 核查通过" in out and "【永乐镇日报】" in out
    assert "139****5678" in out and "13912345678" not in out


def test_import_refuses_a_wrong_grid_with_its_line_and_changes_nothing(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = fixture_file("org-example.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(good.replace("grid: 红旗村二网格}", "grid: 红旗村九网格}", 1), encoding="utf-8")
    line = next(n for n, text in enumerate(wrong.read_text(encoding="utf-8").splitlines(), 1) if "红旗村九网格" in text)

    assert main(["import", "org", str(wrong)]) == 1
    error = capsys.readouterr().err
    assert f"第 {line} 行" in error and "红旗村九网格" in error and "未做任何修改" in error
    assert main(["org"]) == 0
    assert "尚未导入组织架构" in capsys.readouterr().out


def test_parse_reads_json_lines_and_answers_in_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"text": "签收 E12", "sent_at": "2026-04-03T09:00:00+08:00"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"text": "大家辛苦了"}, ensure_ascii=False),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["parse"]) == 0
    outputs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["intent"], o["ref"]) for o in outputs] == [("accept", "E12"), ("none", None), ("none", None)]


def test_scenario_prints_a_line_per_file_and_a_total(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.yaml").write_text("title: 坏文件\nsteps: [\n", encoding="utf-8")
    (tmp_path / "failing.yaml").write_text(
        example_scenario("example-05-silence.yaml")
        .read_text(encoding="utf-8")
        .replace("  no_reply: true\n- say: 红旗村1组路灯不亮", "  reply: [不会出现的回复]\n- say: 红旗村1组路灯不亮"),
        encoding="utf-8",
    )
    passing = example_scenario("example-01-self-resolved.yaml")

    status = main(["scenario", str(tmp_path), str(passing)])

    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[-1] == "1 passed, 2 failed"
    assert any(line.startswith("FAIL") and "YAML" in line for line in out)
    assert any(line.startswith("FAIL 示例：闲聊不回复: step 1:") for line in out)
    assert "PASS 示例：网格员自办结" in out


def test_scores_and_departments_print_and_export(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    capsys.readouterr()
    scores = tmp_path / "scores.xlsx"
    assert main(["scores", "2026-04", "--xlsx", str(scores)]) == 0
    assert "专职网格员排名" in capsys.readouterr().out
    sheet = load_workbook(scores).active
    assert sheet is not None and [c.value for c in sheet[1]] == [
        "名次",
        "专职网格员",
        "网格",
        "得分",
        "明细",
        "部门评价",
    ]
    departments = tmp_path / "departments.xlsx"
    assert main(["departments", "2026-04", "--xlsx", str(departments)]) == 0
    assert "城建环保办" in capsys.readouterr().out
    assert departments.exists()


def test_scenario_durations_may_combine_units() -> None:
    from datetime import timedelta

    from gridbot.bot.scenario import StepFailed, parse_duration

    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("1h30m") == timedelta(hours=1, minutes=30)
    assert parse_duration("2d 4h") == timedelta(days=2, hours=4)
    with pytest.raises(StepFailed, match="看不懂"):
        parse_duration("soon")


def test_outbox_lists_what_did_not_go_out(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlmodel import Session, select

    from gridbot.storage.database import make_engine
    from gridbot.storage.models import Group, OutboxMessage
    from tests.helpers import START

    assert main(["demo"]) == 0
    capsys.readouterr()
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        group = session.exec(select(Group).where(Group.name == "东村第一网格群")).one()
        session.add(
            OutboxMessage(
                group_id=group.id,
                conversation=group.name,
                text="📌 E9 无处可发\n第二行",
                state="parked",
                last_error="no channel bound to this group",
                created_at=START,
            )
        )
        session.commit()
    engine.dispose()

    assert main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "parked" in out and "[东村第一网格群] 📌 E9 无处可发" in out and "no channel bound" in out
    assert out.strip().endswith("共 1 条")

    assert main(["outbox", "retry"]) == 2  # which ones? it says how to ask
    assert "gridbot outbox retry 12" in capsys.readouterr().out
    assert main(["outbox", "retry", "--all"]) == 0
    assert "已放回发送队列 1 条" in capsys.readouterr().out
    assert main(["outbox", "--state", "pending"]) == 0
    assert "[东村第一网格群] 📌 E9 无处可发" in capsys.readouterr().out
    assert main(["outbox"]) == 0
    assert capsys.readouterr().out.strip() == "共 0 条"


def test_parse_prints_masked_numbers_and_raw_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    line = json.dumps(
        {"text": "#上报 东村3组积水，电话+86 138 0013 8000，身份证610402199001011234"}, ensure_ascii=False
    )

    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    assert main(["parse"]) == 0
    out = capsys.readouterr().out
    fields = json.loads(out)["fields"]
    assert (fields["phones"], fields["id_numbers"]) == (["138****8000"], ["610402********1234"])
    assert "0013" not in out and "19900101" not in out
    assert "--raw" not in caplog.text

    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))
    with caplog.at_level("WARNING"):
        assert main(["parse", "--raw"]) == 0
    fields = json.loads(capsys.readouterr().out)["fields"]
    assert (fields["phones"], fields["id_numbers"]) == (["13800138000"], ["610402199001011234"])
    assert "gridbot parse --raw" in caplog.text and "unmasked" in caplog.text


def test_outbox_listing_masks_rows_written_before_a_rule_existed(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlmodel import Session

    from gridbot.storage.database import make_engine
    from gridbot.storage.models import OutboxMessage
    from tests.helpers import START

    assert main(["db", "upgrade"]) == 0
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        session.add(
            OutboxMessage(
                conversation="东村第一网格群",
                text="📌 E9 联系座机029-8888 6666，卡号6222 0212 3456 7890，或 +86 13800138000",
                state="parked",
                last_error="rejected for 0086-13900139000",
                created_at=START,
            )
        )
        session.commit()
    engine.dispose()
    capsys.readouterr()

    assert main(["outbox"]) == 0
    out = capsys.readouterr().out
    assert "029-****6666" in out and "6222 **** **** 7890" in out and "0086-139****9000" in out
    for raw in ("8888 6666", "0212 3456", "13800138000", "13900139000"):
        assert raw not in out
