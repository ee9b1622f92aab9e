"""Sector and item from the catalog's words: an explicit 类别 field first, else scored keywords."""

from __future__ import annotations

from datetime import datetime

from gridbot.intents import Catalog, parse
from gridbot.intents.classify import classify, matcher_for

SENT_AT = datetime.fromisoformat("2026-04-08T09:30:00+08:00")


def test_keywords_pick_sector_and_item(tiny_catalog: Catalog) -> None:
    found = classify(tiny_catalog, "工业园塑料厂往渠里排黑水，刺鼻得很")
    assert (found.sector, found.item) == ("环境保护", "HB02")
    assert found.candidates == ("环境保护",)
    assert 0 < found.confidence <= 1


def test_candidates_best_first_and_at_most_three(tiny_catalog: Catalog) -> None:
    found = classify(tiny_catalog, "有人烧秸秆，冒烟起火了，路边还有流动摊贩和垃圾，环保")
    assert len(found.candidates) == 3
    assert found.candidates[0] == found.sector


def test_longer_keyword_outweighs_shorter(tiny_catalog: Catalog) -> None:
    # 飞线充电 (4 characters, 消防) against 垃圾 (2 characters, 城市管理) told earlier in the text
    assert classify(tiny_catalog, "垃圾旁边有人飞线充电").sector == "消防"


def test_keyword_inside_a_longer_one_counts_once(tiny_catalog: Catalog) -> None:
    sectors, _ = matcher_for(tiny_catalog).scores("烧垃圾")
    assert "城市管理" not in sectors  # 垃圾 lies inside 烧垃圾


def test_category_field_wins_over_text(tiny_catalog: Catalog) -> None:
    found = classify(tiny_catalog, "有人烧秸秆", category="城管")
    assert found.sector == "城市管理"
    assert found.candidates[0] == "城市管理"
    assert found.confidence == 1.0


def test_category_may_name_an_item(tiny_catalog: Catalog) -> None:
    found = classify(tiny_catalog, "", category="污水排放")
    assert (found.sector, found.item) == ("环境保护", "HB02")


def test_unknown_category_falls_back_to_text(tiny_catalog: Catalog) -> None:
    assert classify(tiny_catalog, "楼道里飞线充电", category="其他").sector == "消防"


def test_nothing_matched(tiny_catalog: Catalog) -> None:
    found = classify(tiny_catalog, "大家辛苦了")
    assert (found.sector, found.item, found.candidates, found.confidence) == (None, None, (), 0.0)


def test_number_keyword_not_cut_from_a_longer_number(catalog: Catalog) -> None:
    assert "12345热线" not in classify(catalog, "19991234567").candidates
    assert classify(catalog, "12345转办工单").sector == "12345热线"


def test_matcher_is_built_once_per_catalog(tiny_catalog: Catalog, catalog: Catalog) -> None:
    assert matcher_for(tiny_catalog) is matcher_for(tiny_catalog)
    assert matcher_for(catalog) is not matcher_for(tiny_catalog)


def test_report_uses_the_catalog_it_is_given(tiny_catalog: Catalog) -> None:
    intent = parse("#上报 东村3组有人烧秸秆", SENT_AT, tiny_catalog)
    assert (intent.sector, intent.item) == ("环境保护", "HB01")


def test_shipped_catalog_examples(catalog: Catalog) -> None:
    assert parse("#上报 东村3组路边有建筑垃圾，约2方", SENT_AT, catalog).candidates[:1] in (
        ("环境保护",),
        ("城市管理",),
    )
    assert parse("【事件上报】\n类别：消防\n地点：东村", SENT_AT, catalog).sector == "消防"
