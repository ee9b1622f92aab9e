"""`gridbot parse` as a function: JSON Lines in, one JSON line out per input line, bad lines give `none`."""

from __future__ import annotations

import json

from gridbot.intents import Catalog
from gridbot.intents.jsonl import run_parse

SPEC_KEYS = {"intent", "ref", "refs", "hint", "sector", "item", "candidates", "self_resolved", "fields"}
SPEC_FIELD_KEYS = {
    "location",
    "description",
    "occurred_at",
    "persons",
    "phones",
    "before",
    "after",
    "department",
    "reason",
    "verdict",
    "duration_hours",
    "period",
}


def _run(lines: list[str], catalog: Catalog) -> list[dict[str, object]]:
    out: list[str] = []
    count = run_parse(lines, out.append, catalog)
    assert count == len(lines) == len(out)
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in out)
    return [json.loads(line) for line in out]


def test_report_line_in_spec_format(catalog: Catalog) -> None:
    text = (
        "【事件上报】\n类别：环境保护\n地点：东村3组村委会西侧\n时间：今天上午9点\n"
        "描述：路边建筑垃圾约2方\n涉及人员：张某某\n联系电话：13800138000"
    )
    line = json.dumps({"text": text, "sent_at": "2026-04-03T10:00:00+08:00"}, ensure_ascii=False)
    (result,) = _run([line], catalog)
    assert result.keys() >= SPEC_KEYS
    fields = result["fields"]
    assert isinstance(fields, dict)
    assert fields.keys() >= SPEC_FIELD_KEYS
    assert result["intent"] == "report"
    assert result["sector"] == "环境保护"
    assert fields["location"] == "东村3组村委会西侧"
    assert fields["occurred_at"] == "2026-04-03T09:00:00+08:00"
    assert fields["persons"] == ["张某某"]
    assert fields["phones"] == ["138****8000"]  # masked, like everything the bot prints


def test_every_string_is_masked_unless_raw(catalog: Catalog) -> None:
    text = "#上报 东村3组噪音，联系人张某某电话13800138000，身份证610402199001011234，座机029-8888 6666"
    line = json.dumps({"text": text, "sent_at": "2026-04-03T10:00:00+08:00"}, ensure_ascii=False)
    out: list[str] = []
    run_parse([line], out.append, catalog)
    (masked,) = out
    for raw in ("13800138000", "610402199001011234", "8888 6666"):
        assert raw not in masked
    fields = json.loads(masked)["fields"]
    assert (fields["phones"], fields["id_numbers"]) == (["138****8000"], ["610402********1234"])
    assert "029-****6666" in fields["description"]

    out.clear()
    run_parse([line], out.append, catalog, raw=True)
    fields = json.loads(out[0])["fields"]
    assert (fields["phones"], fields["id_numbers"]) == (["13800138000"], ["610402199001011234"])
    assert "029-8888 6666" in fields["description"]


def test_output_keeps_chinese_readable(catalog: Catalog) -> None:
    out: list[str] = []
    run_parse(['{"text": "#上报 东村3组垃圾"}'], out.append, catalog)
    assert "东村3组" in out[0]


def test_bad_lines_give_none_and_do_not_stop(catalog: Catalog) -> None:
    lines = [
        "not json",
        "",
        "[1, 2]",
        '{"sent_at": "2026-04-03T10:00:00+08:00"}',
        '{"text": 42}',
        '{"text": "签收 E12", "sent_at": "yesterday"}',
        '{"text": "签收 E13"}',
        "[" * 100_000,
    ]
    results = _run(lines, catalog)
    assert [r["intent"] for r in results] == ["none"] * 5 + ["accept", "accept", "none"]
    assert results[5]["ref"] == "E12"
    assert results[6]["ref"] == "E13"


def test_order_is_kept(catalog: Catalog) -> None:
    lines = [json.dumps({"text": f"查询 E{n}"}) for n in range(1, 30)]
    assert [r["ref"] for r in _run(lines, catalog)] == [f"E{n}" for n in range(1, 30)]


def test_refs_hint_and_period_in_the_output(catalog: Catalog) -> None:
    lines = [
        json.dumps({"text": text}, ensure_ascii=False)
        for text in ("签收 E1、E2", "@网格助手 你好", "本周", "#上报 东村3组路灯坏了")
    ]
    several, hinted, stats, report = _run(lines, catalog)
    assert (several["intent"], several["ref"], several["refs"], several["hint"]) == ("accept", "E1", ["E1", "E2"], None)
    assert hinted["intent"] == "none"
    assert isinstance(hinted["hint"], str) and hinted["hint"]
    assert (stats["intent"], stats["fields"]["period"]) == ("stats", "week")  # type: ignore[index]
    assert (report["refs"], report["hint"], report["fields"]["period"]) == ([], None, None)  # type: ignore[index]
