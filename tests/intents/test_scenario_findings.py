"""Rules for what the scenario writers found misread: times before places, unknown 类别 fields, weak guesses,
disputes, a bare verdict after a reference, a trailing report tag, landline numbers."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridbot.intents import Catalog, IntentKind, parse
from gridbot.intents.classify import classify
from gridbot.intents.fields import phones
from gridbot.intents.locations import find_place

K = IntentKind
SENT_AT = datetime.fromisoformat("2026-04-03T10:00:00+08:00")
CONFIDENT = 0.5  # well above the bot's category question threshold (settings: 0.34)


# --- 1. a time phrase is never part of a place ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("3月29日上午红旗村2组有人聚集", "红旗村2组"),
        ("前天上午红旗村2组有人聚集", "红旗村2组"),
        ("3月29日红旗村2组有人聚集", "红旗村2组"),
        ("今天西村5组垃圾没人清", "西村5组"),
        ("上周五下午东村3组路灯坏了", "东村3组"),
        ("今早幸福小区5号楼停电", "幸福小区5号楼"),
        ("昨晚永乐街有人打架", "永乐街"),
        ("下午永乐街有人占道经营", "永乐街"),
        ("4月1日晚上8点半东村3组有人烧垃圾", "东村3组"),
        ("3天前西村5组路面塌了", "西村5组"),
        ("刚才明月村2组有人烧秸秆", "明月村2组"),  # 明 without a part of day is a name, not 明天
    ],
)
def test_time_words_never_part_of_a_place(text: str, place: str) -> None:
    assert find_place(text) == place


def test_time_before_place_in_a_warning(catalog: Catalog) -> None:
    found = parse("#预警 3月29日上午红旗村2组有人聚集拉横幅讨说法", SENT_AT, catalog)
    assert found.fields.location == "红旗村2组"
    assert found.fields.occurred_at == datetime.fromisoformat("2026-03-29T08:00:00+08:00")
    found = parse("#预警 前天上午红旗村2组有人聚集拉横幅讨说法", SENT_AT, catalog)
    assert found.fields.location == "红旗村2组"
    assert found.fields.occurred_at == datetime.fromisoformat("2026-04-01T08:00:00+08:00")


# --- 2. a 类别 field wins only when it names the catalog ----------------------------------------------------


def test_unknown_category_is_more_text_not_full_confidence(catalog: Catalog) -> None:
    found = parse("#上报 类别：招商引资\n描述：有企业想来投资建厂", SENT_AT, catalog)
    assert found.confidence < 1.0
    assert found.fields.category == "招商引资"


@pytest.mark.parametrize(
    ("category", "sector", "item"),
    [
        ("环保", "环境保护", None),  # a synonym
        ("司法", "司法", None),  # a sector name
        ("邻里纠纷", "司法", "SF01"),  # an item name
        ("文艺演出", "文化旅游", "WL04"),  # an item keyword, exactly
        ("环保问题", "环境保护", None),  # holds a synonym as a whole word
        ("疑似邻里纠纷", "司法", "SF01"),  # holds an item name
    ],
)
def test_category_naming_the_catalog_wins(catalog: Catalog, category: str, sector: str, item: str | None) -> None:
    found = classify(catalog, "村里有点事", category)
    assert found.sector == sector
    assert found.confidence == 1.0
    if item is not None:
        assert found.item == item


def test_category_with_only_a_keyword_inside_is_scored(tiny_catalog: Catalog) -> None:
    # 摆摊 is a keyword of 城市管理 but 摆摊设点管理 is not a catalog word: scored with the text
    found = classify(tiny_catalog, "楼道里飞线充电，电线乱拉", category="摆摊设点管理")
    assert found.confidence < 1.0
    assert set(found.candidates) >= {"消防", "城市管理"}


# --- 3. weak pieces of keywords are only a guess -----------------------------------------------------------


def test_only_pieces_of_keywords_give_a_guess_too_weak_to_act_on(catalog: Catalog) -> None:
    for text in ("#部门指令 标题：新春联欢晚会节目排练\n要求：逐户登记并汇总上报", "#上报 报名"):
        found = parse(text, SENT_AT, catalog)
        assert found.candidates and found.sector == found.candidates[0]  # the best guess is still offered
        assert found.confidence <= 0.1  # the bot asks (reports) or returns (directives) rather than act on it


def test_a_whole_keyword_still_names_a_sector(catalog: Catalog) -> None:
    assert parse("#上报 东村3组有人烧秸秆", SENT_AT, catalog).sector == "环境保护"


# --- 4. disputes ------------------------------------------------------------------------------------------


def test_land_dispute_is_confident_justice(catalog: Catalog) -> None:
    found = parse("#上报 红旗村2组李家和张家因为宅基地地界吵起来了", SENT_AT, catalog)
    assert (found.sector, found.item) == ("司法", "SF03")
    assert found.confidence >= CONFIDENT


def test_neighbour_dispute_is_confident(catalog: Catalog) -> None:
    found = parse("#上报 红旗村1组两户因为排水闹纠纷，吵起来了", SENT_AT, catalog)
    assert (found.sector, found.item) in {("司法", "SF01"), ("综治", "ZZ08")}
    assert found.confidence >= CONFIDENT


def test_two_whole_keywords_of_one_sector_are_confident(tiny_catalog: Catalog) -> None:
    # 烧垃圾 and 黑水 (环境保护) against one longer 流动摊贩 (城市管理): close scores, but two clues
    found = classify(tiny_catalog, "烧垃圾，黑水，流动摊贩")
    assert found.sector == "环境保护"
    assert found.confidence >= CONFIDENT


def test_one_keyword_each_stays_unsure(tiny_catalog: Catalog) -> None:
    found = classify(tiny_catalog, "摆摊的在烧垃圾")
    assert found.confidence < CONFIDENT


# --- 5. a bare verdict right after a reference ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "verdict"),
    [
        ("E3属实", K.VERIFY, "属实"),
        ("E3 属实", K.VERIFY, "属实"),
        ("E3 不属实，现场没有发现", K.VERIFY, "不属实"),
        ("E5 通过", K.VERIFY, "通过"),
        ("e5 不通过 现场仍有积水", K.VERIFY, "不通过"),
        ("E7 合格", K.CHECK, "合格"),
        ("E7 不合格", K.CHECK, "不合格"),
        ("E8 满意", K.RATE, "满意"),
        ("E8 基本满意", K.RATE, "基本满意"),
    ],
)
def test_bare_verdict_after_reference(catalog: Catalog, text: str, kind: IntentKind, verdict: str) -> None:
    found = parse(text, SENT_AT, catalog)
    assert (found.kind, found.fields.verdict) == (kind, verdict)
    assert found.ref is not None


def test_directive_pass_stays_approve(catalog: Catalog) -> None:
    assert parse("D3 通过", SENT_AT, catalog).kind is K.APPROVE
    assert parse("通过 E1", SENT_AT, catalog).kind is K.APPROVE


def test_verdict_word_inside_chat_is_not_a_verdict(catalog: Catalog) -> None:
    assert parse("E3 一般来说要等两天", SENT_AT, catalog).kind is K.NONE


# --- 6. a trailing report or warning tag ------------------------------------------------------------------


def test_trailing_report_tag(catalog: Catalog) -> None:
    found = parse("红旗村1组路灯不亮了 #上报", SENT_AT, catalog)
    assert found.kind is K.REPORT
    assert found.fields.location == "红旗村1组"
    assert found.sector == "城市管理"
    assert parse("红旗村1组有人聚集拉横幅#预警", SENT_AT, catalog).kind is K.WARNING
    assert parse("东村3组路灯坏了，已修好 #自办结", SENT_AT, catalog).self_resolved


@pytest.mark.parametrize("text", ["上报的事件啥时候能办结啊", "这个要不要 #上报 一下", "我上报了，等中心派单预警"])
def test_report_word_in_the_middle_stays_chat(catalog: Catalog, text: str) -> None:
    assert parse(text, SENT_AT, catalog).kind is K.NONE


# --- 7. landlines are not mobiles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["座机029-12345678", "电话0291234567", "029-88881234转12", "打12345热线", "029-13912345678", "(0913)13912345678"],
)
def test_landlines_are_not_mobiles(text: str) -> None:
    assert phones(text) == ()


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("手机 138 0013 8000", "13800138000"),
        ("+86-13800138000", "13800138000"),
        ("打了12345，联系人电话13800138000", "13800138000"),
    ],
)
def test_mobiles_kept(text: str, phone: str) -> None:
    assert phones(text) == (phone,)


def test_landline_and_mobile_in_a_report(catalog: Catalog) -> None:
    found = parse("#上报 东村3组噪音扰民，座机029-12345678，手机13800138000", SENT_AT, catalog)
    assert found.fields.phones == ("13800138000",)
