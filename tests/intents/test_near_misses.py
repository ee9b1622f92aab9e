"""Near misses (messages.md, Triggers): messages meant as commands that used to get no answer.

- a report or warning word at the very start without `#`, when a report follows it;
- traditional characters in the command words;
- a one-character typo of a command word right after `#` or a mention;
- the bot's name said without `@` (voice input) and filler around the command word;
- a hint — the exact form to type — for a message clearly meant for the bot that could not be read.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from gridbot.intents import Catalog, IntentKind, parse
from gridbot.intents import vocabulary as v
from gridbot.intents.normalize import normalize
from tests.conftest import fixture_file

SENT_AT = datetime.fromisoformat("2026-04-08T09:30:00+08:00")
K = IntentKind


# --- a. 上报 / 预警 at the start without `#` --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "location"),
    [
        ("上报 东村2组有人占道晒粮食", K.REPORT, "东村2组"),
        ("上报东村3组路灯坏了", K.REPORT, "东村3组"),
        ("上报一下，南村4组水渠堵了", K.REPORT, "南村4组"),
        ("上报个事 幸福小区5号楼楼道堆满杂物", K.REPORT, "幸福小区5号楼"),
        ("事件上报：北村1组有人烧秸秆", K.REPORT, "北村1组"),
        ("上报 了解到东村3组有人占道经营", K.REPORT, "东村3组"),  # 了解 is no remark like 了吗
        ("上报 过道里堆满杂物，幸福小区5号楼", K.REPORT, "幸福小区5号楼"),
        ("预警 西村5组两户宅基地纠纷，情绪激动", K.WARNING, "西村5组"),
        ("预警：北村有人组织上访", K.WARNING, "北村"),
    ],
)
def test_report_word_at_the_start_without_hash(catalog: Catalog, text: str, kind: IntentKind, location: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is kind
    assert intent.fields.location == location
    assert intent.body and not intent.body.startswith(("上报", "预警", "一下", "个事", "："))


def test_a_catalog_matter_without_a_place_is_enough(catalog: Catalog) -> None:
    intent = parse("上报 路灯坏了好几天了，晚上很黑", SENT_AT, catalog)
    assert intent.kind is K.REPORT
    assert intent.sector == "城市管理"


def test_self_resolved_word_without_hash(catalog: Catalog) -> None:
    intent = parse("自办结 北村3组路灯不亮，已联系电工换了灯泡", SENT_AT, catalog)
    assert (intent.kind, intent.self_resolved) == (K.REPORT, True)


@pytest.mark.parametrize(
    "text",
    [
        # questions and remarks about reporting
        "上报了吗",
        "上报了没有",
        "上报的事件啥时候能办结啊",
        "上报过了，等中心派单",
        "上报完了",
        "上报好了",
        "上报之后记得补照片",
        "上报一下今天的巡查情况",
        "预警信息已经收到了",
        "预警过的那个事后来怎么样",
        # the report word naming something else: materials, meetings, times, systems
        "上报材料明天交",
        "上报时间改到周五",
        "预警工作要抓紧",
        "上报系统又登不上了",
        # a longer command word that is not a report
        "上报中心的那个事件现在啥情况了？",
        # too little, or nothing that reads like a report (no place, no catalog matter)
        "上报 东村",
        "上报 张大爷家的狗丢了",
        # a question, however concrete
        "上报 东村3组垃圾谁来清？",
        # a report word not at the start
        "我上报了东村3组的垃圾",
        "今天预警工作会议改到下午",
    ],
)
def test_talk_about_reporting_stays_chat(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.NONE
    assert intent.hint is None


@pytest.mark.parametrize("text", ["上抱 东村3组路灯坏了", "签手 E1", "報告领导，今天巡查完了"])
def test_without_hash_or_mention_typos_stay_chat(catalog: Catalog, text: str) -> None:
    assert parse(text, SENT_AT, catalog).kind is K.NONE


# --- b. traditional characters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("#上報 东村3组路灯坏了", "#上报 东村3组路灯坏了"),
        ("#預警 西村5组有人聚集", "#预警 西村5组有人聚集"),
        ("簽收 E1", "签收 E1"),
        ("辦結 E1 已清理", "办结 E1 已清理"),
        ("查詢 E1", "查询 E1"),
        ("進展 E1 已聯繫施工方", "进展 E1 已联系施工方"),
        ("協調 E1", "协调 E1"),
        ("核實 E1 屬實", "核实 E1 属实"),
        ("評價 E1 滿意", "评价 E1 满意"),
        ("申請延期 E1 2天 等待材料", "申请延期 E1 2天 等待材料"),
        ("撤銷 E1", "撤销 E1"),
        ("附圖 E1", "附图 E1"),
        ("幫助", "帮助"),
        ("@網格助手 簽收 E1", "@网格助手 签收 E1"),
        ("【事件上報】\n地點：东村3组\n描述：垃圾堆積", "【事件上报】\n地点：东村3组\n描述：垃圾堆積"),
        ("【預警直報】西村5组有人聚集", "【预警直报】西村5组有人聚集"),
    ],
)
def test_traditional_characters_parse_like_simplified(catalog: Catalog, traditional: str, simplified: str) -> None:
    folded, plain = parse(traditional, SENT_AT, catalog), parse(simplified, SENT_AT, catalog)
    assert folded.kind is plain.kind is not K.NONE
    assert (folded.refs, folded.fields.location, folded.fields.verdict) == (
        plain.refs,
        plain.fields.location,
        plain.fields.verdict,
    )


def test_every_command_word_has_its_characters_folded() -> None:
    """Whatever a command word's traditional form, it normalises back to the word (the table covers them)."""
    to_traditional = {v.TRADITIONAL[i + 1]: v.TRADITIONAL[i] for i in range(0, len(v.TRADITIONAL), 2)}
    words = [w for table in (v.FREE_COMMANDS, v.REF_COMMANDS) for ws in table.values() for w in ws]
    words += [*v.HEADERS, *v.ACK_WORDS, *v.BOT_NAMES, *v.STATS_WORDS]
    for word in words:
        written = "".join(to_traditional.get(c, c) for c in word)
        assert normalize(written).text == normalize(word).text, word


# --- c. a typo after `#` or a mention ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "refs"),
    [
        ("#上抱 东村3组路灯坏了", K.REPORT, ()),
        ("#上宝 东村3组路灯坏了", K.REPORT, ()),
        ("#上抱事件 东村3组路灯坏了", K.REPORT, ()),
        ("#预惊 西村5组有人聚集", K.WARNING, ()),
        ("@网格助手 签手 E1", K.ACCEPT, ("E1",)),
        ("#签手 E1", K.ACCEPT, ("E1",)),
        ("#办洁 E3 已清理", K.RESOLVE, ("E3",)),
        ("@网格助手 退会 E2 不属于本科室", K.RETURN, ("E2",)),
        ("@网格助手 抽差 E9 合格", K.CHECK, ("E9",)),
    ],
)
def test_one_character_typo_after_hash_or_mention(
    catalog: Catalog, text: str, kind: IntentKind, refs: tuple[str, ...]
) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.refs) == (kind, refs)


def test_a_typo_reads_the_rest_like_the_word(catalog: Catalog) -> None:
    typo, right = parse("#上抱 东村3组路灯坏了", SENT_AT, catalog), parse("#上报 东村3组路灯坏了", SENT_AT, catalog)
    assert (typo.body, typo.fields.location, typo.sector) == (right.body, right.fields.location, right.sector)
    assert parse("#抽差 E9 不合格 描述不完整", SENT_AT, catalog).fields.verdict == "不合格"


@pytest.mark.parametrize(
    "text",
    [
        "#签手",  # a command on a reference needs its reference
        "#上抱",  # a report needs content
        "#上抱了吗",
        "#反应 东村3组路灯坏了",  # one character from 反映 (report) and from 反馈 (progress): which one?
        "#通知 明天停水",  # an everyday word one character from 通过
        "#通报 东村3组表扬",
        "#上午 东村3组开会",
        "#今日巡查",
        "@网格助手 签名 E1",
    ],
)
def test_typos_that_cannot_be_read_confidently_stay_none(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.NONE
    assert intent.hint  # but the message was for the bot: it gets the form to type


# --- d. the name said without `@`, and filler around the command word -------------------------------------


def test_spoken_name_is_a_mention() -> None:
    spoken = normalize("网格助手，签收E1")
    assert spoken.mentioned
    assert spoken.text == "签收E1"
    assert not normalize("大家好，网格助手已经上线").mentioned  # only at the very start


def test_voice_report_with_filler(catalog: Catalog) -> None:
    intent = parse("网格助手我要上报一下…东村三组…排水沟啊堵了", SENT_AT, catalog)
    assert intent.kind is K.REPORT
    assert intent.fields.location == "东村三组"
    assert intent.body.startswith("东村三组")


@pytest.mark.parametrize(
    ("text", "kind", "refs"),
    [
        ("@网格助手 我要上报一下 东村3组排水沟堵了", K.REPORT, ()),
        ("@网格助手 我想反映个情况，西村2组路灯坏了好几天了", K.REPORT, ()),
        ("网格助手 嗯 那个 帮我上报 南村4组有人倒垃圾", K.REPORT, ()),
        ("网格助手我要预警 北村有人组织上访", K.WARNING, ()),
        ("@网格助手 帮我签收 E12", K.ACCEPT, ("E12",)),
        ("网格助手 麻烦查询一下E5", K.QUERY, ("E5",)),
    ],
)
def test_filler_before_the_command_word(catalog: Catalog, text: str, kind: IntentKind, refs: tuple[str, ...]) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.refs) == (kind, refs)
    assert not intent.body.startswith(("我要", "我想", "那个", "帮我", "一下", "个情况"))


@pytest.mark.parametrize("text", ["网格助手上报的事件怎么查", "@网格助手 上报了吗", "@网格助手 上报了吗 东村3组的垃圾"])
def test_talk_about_reporting_to_the_bot_is_no_report(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.NONE
    assert intent.hint == v.COMMAND_FORMS[K.REPORT]


def test_mention_rules_still_hold(catalog: Catalog) -> None:
    assert parse("网格助手 东村3组路灯坏了三盏", SENT_AT, catalog).kind is K.REPORT
    assert parse("@网格助手 收到", SENT_AT, catalog).kind is K.ACCEPT


# --- e. hints ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("@网格助手 你好", v.GENERAL_HINT),
        ("@网格助手", v.GENERAL_HINT),
        ("网格助手真好用", v.GENERAL_HINT),
        ("#", v.GENERAL_HINT),
        ("#今日巡查", v.GENERAL_HINT),
        ("@网格助手 怎么上报事件？", v.COMMAND_FORMS[K.REPORT]),
        ("#上抱", v.COMMAND_FORMS[K.REPORT]),
        ("#签手", v.COMMAND_FORMS[K.ACCEPT]),
        ("@网格助手 E12 怎么还没人签收", v.COMMAND_FORMS[K.ACCEPT]),
        ("@网格助手 想问下延期的格式", v.COMMAND_FORMS[K.EXTEND]),
        ("@网格助手 东村今天有多少事件", v.COMMAND_FORMS[K.STATS]),
        ("【事件上抱】\n地点：东村3组", v.COMMAND_FORMS[K.REPORT]),
        ("【部门指另】\n事项：排查", v.COMMAND_FORMS[K.DIRECTIVE]),
    ],
)
def test_hint_gives_the_form_to_type(catalog: Catalog, text: str, hint: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert intent.kind is K.NONE
    assert intent.hint == hint


def test_hints_are_one_line_of_chinese() -> None:
    for hint in (*v.COMMAND_FORMS.values(), v.GENERAL_HINT):
        assert "\n" not in hint and "请" in hint


def test_every_command_kind_has_a_form() -> None:
    assert set(v.COMMAND_FORMS) == set(IntentKind) - {K.NONE}


@pytest.mark.parametrize(
    "text",
    [
        "大家辛苦了",
        "【通知】明天停水",
        "【天气预警】明天有大雨",
        "【温馨提示】严禁烧纸",
        "@张某某 你们组的事件记得补照片",
        "#E12 这个事大家看看",  # `#` before a reference is part of the reference
        "E12那个垃圾堆还没拉走",
    ],
)
def test_plain_chat_gets_no_hint(catalog: Catalog, text: str) -> None:
    intent = parse(text, SENT_AT, catalog)
    assert (intent.kind, intent.hint) == (K.NONE, None)


def test_no_ordinary_chat_of_the_corpus_gets_a_hint(catalog: Catalog) -> None:
    corpus = fixture_file("corpus", "dev.jsonl").read_text(encoding="utf-8").splitlines()
    for case in map(json.loads, filter(None, corpus)):
        intent = parse(case["text"], None, catalog)
        if case["expect"]["intent"] == "none":
            assert intent.hint is None, case["text"]
        else:
            assert intent.hint is None and intent.kind is not K.NONE, case["text"]
