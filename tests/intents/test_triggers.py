"""Triggers and intents (messages.md, Triggers and Intents): what is for the bot, and what it asks."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridbot.intents import Catalog, IntentKind, parse

SENT_AT = datetime.fromisoformat("2026-04-08T09:30:00+08:00")

K = IntentKind


@pytest.mark.parametrize(
    ("text", "kind", "ref"),
    [
        ("#上报 东村3组路边垃圾堆积", K.REPORT, None),
        ("【事件上报】\n地点：东村3组\n描述：垃圾堆积", K.REPORT, None),
        ("#自办结 东村3组垃圾已清理", K.REPORT, None),
        ("#反映 东村3组垃圾堆积", K.REPORT, None),
        ("【预警】西村5组两户宅基地纠纷，情绪激动", K.WARNING, None),
        ("#直报 西村5组有人聚集", K.WARNING, None),
        ("【情报信息】北村有人组织上访", K.WARNING, None),
        ("上报中心 E12 需城管执法", K.ESCALATE, "E12"),
        ("申请协调 E12 需要供电所配合", K.ESCALATE, "E12"),
        ("派单 E12 城建环保办", K.DISPATCH, "E12"),
        ("上报新区 E12 办理权限超出本镇", K.ESCALATE_DISTRICT, "E12"),
        ("签收 E12", K.ACCEPT, "E12"),
        ("收到 D3", K.ACCEPT, "D3"),
        ("退回 E12 不属于本科室", K.RETURN, "E12"),
        ("协调 E12 已组织双方调解", K.COORDINATE, "E12"),
        ("进展 E12 已联系施工方", K.PROGRESS, "E12"),
        ("办结 E12 已清运", K.RESOLVE, "E12"),
        ("完成 D3 已走访5户", K.RESOLVE, "D3"),
        ("核查 E12 通过", K.VERIFY, "E12"),
        ("通过 D3", K.APPROVE, "D3"),
        ("延期 E12 2天 等待材料", K.EXTEND, "E12"),
        ("更正 E12 地点：东村4组", K.CORRECT, "E12"),
        ("撤回 E12", K.WITHDRAW, "E12"),
        ("附图 E12", K.ATTACH, "E12"),
        ("抽查 E12 不合格 描述不完整", K.CHECK, "E12"),
        ("评价 E12 满意", K.RATE, "E12"),
        ("查询 E12", K.QUERY, "E12"),
        ("待办", K.QUERY, None),
        ("帮助", K.HELP, None),
        ("?", K.HELP, None),
        ("【部门指令】\n事项：排查\n网格：全镇", K.DIRECTIVE, None),
    ],
)
def test_each_intent_of_the_table(catalog: Catalog, text: str, kind: IntentKind, ref: str | None) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.ref) == (kind, ref)


@pytest.mark.parametrize(
    "text",
    ["签收 E12", "签收 e12", "签收 Ｅ１２", "签收 E-12", "签收 #E12", "签收 事件E12", "签收 E 12", "签收E12",
     "E12 签收", "E12签收", "#签收 E12", "@网格助手 签收 E12", "签收 E012", "E-12，签收"],
)  # fmt: skip
def test_references_in_every_form(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.ACCEPT
    assert intent.ref == "E12"


@pytest.mark.parametrize("text", ["收到", "好的", "收到👌", "好的收到", "明白", "收到了", "@网格助手 收到", "收到！"])
def test_bare_acknowledgement_is_accept_without_reference(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.ref) == (K.ACCEPT, None)


@pytest.mark.parametrize(
    ("text", "choice"), [("回复 2", 2), ("选 2", 2), ("选择2", 2), ("回复3", 3), ("@网格助手 选1", 1)]
)
def test_choice_of_category(catalog: Catalog, text: str, choice: int) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.CHOOSE
    assert intent.fields.choice == choice


@pytest.mark.parametrize(
    "text",
    [
        "2",  # the dispatcher handles bare digits itself
        "大家辛苦了",
        "[微笑]",
        "👍",
        "   ",
        "",
        "【通知】明天停水",
        "【温馨提示】严禁烧纸",
        "E12那个垃圾堆还没拉走",
        "谁知道待办里那个E12是咋回事？",
        "菜单发一下，中午订饭",
        "帮助一下张大爷",
        "王主任，上报中心的那个事件现在啥情况了？",
        "上报了吗",  # a report word without # is chat unless a report follows it (test_near_misses.py)
        "上报材料明天交",
        "已完成今天的巡查，一切正常",
        "签收了没？",
        "好的，我下午过去看看",
        "@张某某 收到",
        "地点：南村2组\n情况：路灯坏了",
        "#今日巡查",
        "@网格助手 你好",
        "@网格助手 怎么上报事件？",
    ],
)
def test_ordinary_chat_is_none(catalog: Catalog, text: str) -> None:
    assert parse(text, SENT_AT, catalog).kind is K.NONE


def test_mention_reads_a_command_word_without_hash(catalog: Catalog) -> None:
    intent = parse("@网格助手 反映一下，东村3组张某被欠工钱", SENT_AT, catalog)
    assert intent.kind is K.REPORT
    assert intent.body.startswith("东村3组")


def test_mention_of_an_event_without_command_word_is_a_report(catalog: Catalog) -> None:
    assert parse("@网格助手 东村3组路灯坏了三盏", SENT_AT, catalog).kind is K.REPORT


def test_command_addressed_to_a_colleague_still_counts(catalog: Catalog) -> None:
    assert parse("@张三 签收 E12", SENT_AT, catalog).ref == "E12"


def test_center_request_without_reference_is_a_report_for_the_center(catalog: Catalog) -> None:
    intent = parse("#上报中心 东村3组垃圾太多，村里清不完", SENT_AT, catalog)
    assert intent.kind is K.REPORT
    assert intent.asks_center


def test_report_asking_for_dispatch_asks_the_center(catalog: Catalog) -> None:
    assert parse("#上报 东村3组违建，网格劝不住，请中心派单", SENT_AT, catalog).asks_center
    assert not parse("#上报 东村3组违建", SENT_AT, catalog).asks_center


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("核查 E12 通过", "通过"),
        ("核查 E12 不通过 没清干净", "不通过"),
        ("核实 E12 属实", "属实"),
        ("核实 E12 不属实", "不属实"),
        ("E12 核查通过", "通过"),
        ("抽查 E12 合格", "合格"),
        ("抽查 E12 不合格", "不合格"),
        ("评价 E12 满意", "满意"),
        ("评价 E12 基本满意", "基本满意"),
        ("评价 E12 不满意", "不满意"),
        ("评价 E12 不太满意", "不满意"),
    ],
)
def test_verdicts_longest_first(catalog: Catalog, text: str, verdict: str) -> None:
    assert parse(text, SENT_AT, catalog).fields.verdict == verdict


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("上报新区 E12 办理权限超出本镇", "办理权限超出本镇"),
        ("提级 E12 权限超出本镇", "办理权限超出本镇"),
        ("提级 E12 超出本镇权限", "办理权限超出本镇"),
        ("提级 E12 信访矛盾，涉及两个镇", "信访矛盾超出本镇"),
        ("上报新区 E12 预警情报", "预警情报"),
        ("提级 E12 情况复杂", None),
    ],
)
def test_district_reasons(catalog: Catalog, text: str, reason: str | None) -> None:
    assert parse(text, SENT_AT, catalog).fields.reason == reason


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("派单 E12 城建环保办", "城建环保办"),
        ("派遣 E41 应急办，请今天内到现场", "应急办"),
        ("E40 派单 市场监管所", "市场监管所"),
        ("派单 E12 给综治办", "综治办"),
        ("派单 E5 给城建办处理", "城建办"),
        ("派单 E43", None),
    ],
)
def test_dispatch_department(catalog: Catalog, text: str, department: str | None) -> None:
    assert parse(text, SENT_AT, catalog).fields.department == department


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("延期 E12 2天 等待材料", 48),
        ("延期 E12 两天", 48),
        ("延期 E12 三天", 72),
        ("延期 E12 一天", 24),
        ("延期 E12 一周", 168),
        ("申请延期 E12 48小时", 48),
        ("延期 E12 12小时", 12),
        ("延期 E12 半天", 12),
        ("延期 E12 一天半", 36),
        ("延期 E12 等材料", None),
    ],
)
def test_extension_durations(catalog: Catalog, text: str, hours: float | None) -> None:
    assert parse(text, SENT_AT, catalog).fields.duration_hours == hours


def test_extension_reason_is_the_text_without_duration(catalog: Catalog) -> None:
    assert parse("延期 E12 2天 等待材料", SENT_AT, catalog).fields.reason == "等待材料"


def test_correct_reads_only_labelled_fields(catalog: Catalog) -> None:
    intent = parse("更正 E12 地点：东村4组", SENT_AT, catalog)
    assert intent.fields.location == "东村4组"
    assert parse("修改 E12 电话：13891237788", SENT_AT, catalog).fields.phones == ("13891237788",)
    assert parse("修改 E12 类别：城市管理", SENT_AT, catalog).sector == "城市管理"


def test_resolve_text_is_the_after_state(catalog: Catalog) -> None:
    assert parse("办结 E12 已清运", SENT_AT, catalog).fields.after == "已清运"
    assert parse("#办结 E23 处置后：井盖已换新", SENT_AT, catalog).fields.after == "井盖已换新"


def test_return_reason(catalog: Catalog) -> None:
    assert parse("退回 E12 不属于本科室", SENT_AT, catalog).fields.reason == "不属于本科室"


def test_non_report_intents_carry_no_sector(catalog: Catalog) -> None:
    intent = parse("办结 E12 垃圾已清运", SENT_AT, catalog)
    assert intent.sector is None
    assert intent.candidates == ()
