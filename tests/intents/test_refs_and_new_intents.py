"""Several references, bare commands, figures (STATS) and refusing an extension (DECLINE) (messages.md)."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridbot.intents import Catalog, Fields, Intent, IntentKind, parse
from gridbot.intents.references import quoted_reference

SENT_AT = datetime.fromisoformat("2026-04-08T09:30:00+08:00")
K = IntentKind


# --- every reference next to the command, in order --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("签收 E1", ("E1",)),
        ("签收 E1 E2", ("E1", "E2")),
        ("签收 E1、E2", ("E1", "E2")),
        ("签收E1,E2,E3", ("E1", "E2", "E3")),
        ("签收 E1，E2 和 E3", ("E1", "E2", "E3")),
        ("签收 e3 E-4", ("E3", "E4")),
        ("签收 E1 E1", ("E1",)),  # once each
        ("E1、E2 签收", ("E1", "E2")),
        ("#签收 E5 E6", ("E5", "E6")),
        ("@网格助手 收到 D1 D2", ("D1", "D2")),
        ("E3 E4 属实", ("E3", "E4")),
    ],
)
def test_every_reference_next_to_the_command(catalog: Catalog, text: str, refs: tuple[str, ...]) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.refs == refs
    assert intent.ref == refs[0]


def test_text_after_the_references_is_the_body(catalog: Catalog) -> None:
    intent = parse("办结 E1 E2 已清运", SENT_AT, catalog)
    assert (intent.kind, intent.refs, intent.body, intent.fields.after) == (K.RESOLVE, ("E1", "E2"), "已清运", "已清运")


@pytest.mark.parametrize(
    ("text", "refs", "body"),
    [
        ("延期 E12 2天 等待材料", ("E12",), "2天 等待材料"),  # a number is no reference
        ("派单 E12 城建环保办", ("E12",), "城建环保办"),
        ("进展 E3 和施工方联系了", ("E3",), "和施工方联系了"),
    ],
)
def test_only_references_are_read_as_references(catalog: Catalog, text: str, refs: tuple[str, ...], body: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.refs, intent.body) == (refs, body)


def test_ref_is_the_first_of_refs() -> None:
    assert Intent(kind=K.ACCEPT, refs=("E1", "E2")).ref == "E1"
    assert Intent(kind=K.ACCEPT, ref="E1").refs == ("E1",)
    assert Intent(kind=K.NONE).refs == ()


def test_no_reference_no_refs(catalog: Catalog) -> None:
    intent = parse("#上报 东村3组路灯坏了", SENT_AT, catalog)
    assert (intent.ref, intent.refs) == (None, ())


# --- bare commands -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("签收", K.ACCEPT),
        ("签收！", K.ACCEPT),
        ("接单", K.ACCEPT),
        ("收到", K.ACCEPT),
        ("办结", K.RESOLVE),
        ("完成", K.RESOLVE),
        ("已完成", K.RESOLVE),
        ("处理完毕", K.RESOLVE),
        ("@网格助手 办结", K.RESOLVE),
    ],
)
def test_bare_command_as_a_whole_message(catalog: Catalog, text: str, kind: IntentKind) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.ref, intent.refs) == (kind, None, ())


@pytest.mark.parametrize(
    ("text", "body"),
    [("办结 已清理完毕", "已清理完毕"), ("办结：井盖已换新", "井盖已换新"), ("完成 已入户宣传45户", "已入户宣传45户")],
)
def test_result_without_reference(catalog: Catalog, text: str, body: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.ref, intent.body) == (K.RESOLVE, None, body)
    assert intent.fields.after == body


@pytest.mark.parametrize(
    "text",
    ["完成了", "办结了没", "完成 了吗", "已完成今天的巡查，一切正常", "签收了没？", "办结的事件要补照片", "完成率太低"],
)
def test_chat_around_a_command_word_stays_none(catalog: Catalog, text: str) -> None:
    assert parse(text, SENT_AT, catalog).kind is K.NONE


# --- STATS: figures for a period ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("今日", "day"),
        ("今天", "day"),
        ("日报", "day"),
        ("统计", "day"),
        ("统计一下", "day"),
        ("今日统计", "day"),
        ("日报？", "day"),
        ("本周", "week"),
        ("周报", "week"),
        ("本周统计", "week"),
        ("本月", "month"),
        ("月报", "month"),
        ("#月报", "month"),
        ("@网格助手 今天有多少事件", "day"),
        ("@网格助手 统计一下", "day"),
        ("@网格助手 有几个预警", "day"),
        ("@网格助手 这个月统计一下", "month"),
        ("@网格助手 本周办结了几件", "week"),
        ("@网格助手 这周的数据发一下", "week"),
        ("网格助手 本月一共上报了多少事件", "month"),
    ],
)
def test_figures_for_a_period(catalog: Catalog, text: str, period: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.STATS
    assert intent.fields.period == period
    assert intent.ref is None


@pytest.mark.parametrize(
    "text",
    [
        "今天下雨了",
        "本周末加班",
        "今天的事今天办",
        "本月底前把表交上来",
        "统计表发群里了",
        "有多少人报名了",
        "@网格助手 今天下雨了",
        "@网格助手 东村3组有多少户",  # a place: not the figures of the bot
        "@网格助手 延期多少天合适",  # a command word first: that command
    ],
)
def test_chat_about_days_and_numbers_is_no_stats(catalog: Catalog, text: str) -> None:
    assert parse(text, SENT_AT, catalog).kind is not K.STATS


def test_period_is_only_set_for_stats(catalog: Catalog) -> None:
    assert Fields().period is None
    assert parse("#上报 今天东村3组路灯坏了", SENT_AT, catalog).fields.period is None


# --- DECLINE and APPROVE of an extension -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ref", "reason"),
    [
        ("不同意 E1", "E1", None),
        ("不同意延期 E1 材料不全，不能再拖", "E1", "材料不全，不能再拖"),
        ("不批准 E2 已经延过一次", "E2", "已经延过一次"),
        ("不批准延期 E2 理由：已经延过一次", "E2", "已经延过一次"),
        ("驳回延期 E3 时间太长", "E3", "时间太长"),
        ("拒绝延期 D4 任务急", "D4", "任务急"),
        ("E5 不同意 先把现场清了", "E5", "先把现场清了"),
        ("@网格助手 不同意延期 E6", "E6", None),
    ],
)
def test_decline_an_extension(catalog: Catalog, text: str, ref: str, reason: str | None) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.ref, intent.fields.reason) == (K.DECLINE, ref, reason)


@pytest.mark.parametrize("text", ["同意延期 E1", "批准延期 E1", "准予延期 E1", "同意 E1", "批准 E1", "通过 E1"])
def test_approve_an_extension(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.ref) == (K.APPROVE, "E1")


def test_return_stays_return(catalog: Catalog) -> None:
    assert parse("驳回 E1 不属于本科室", SENT_AT, catalog).kind is K.RETURN


@pytest.mark.parametrize("text", ["大家都不同意这个方案", "领导不批准也没办法", "同意延期的事明天再说"])
def test_decline_words_in_chat_stay_none(catalog: Catalog, text: str) -> None:
    assert parse(text, SENT_AT, catalog).kind is K.NONE


def test_a_report_that_mentions_figures_words_stays_a_report(catalog: Catalog) -> None:
    intent = parse("@网格助手 东村3组有人冒充统计局上门收费", SENT_AT, catalog)
    assert (intent.kind, intent.fields.location) == (K.REPORT, "东村3组")


# --- the one reference a quoted message names (a reply that quotes the bot) ---------------------------------


@pytest.mark.parametrize(
    ("quoted", "ref"),
    [
        ("E12 已派单给综合执法队，请在时限内签收", "E12"),
        ("📷 E3 已收到照片（共 1 张）。查询 E3 看详情", "E3"),  # the same reference twice is one
        ("Ｅ１２ 已登记", "E12"),  # full width, as phones type it
        ("D3 燃气安全入户宣传：请各网格收到后回复", "D3"),
        ("待签收：E1、E2", None),  # a list does not say which one
        ("各位辛苦了", None),
        ("", None),
    ],
)
def test_a_quoted_message_names_one_reference_or_none(quoted: str, ref: str | None) -> None:
    assert quoted_reference(quoted) == ref
