"""Fields of reports, warnings and directives (messages.md, Reports and warnings; Directives)."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridbot.intents import Catalog, IntentKind, parse
from gridbot.intents.fields import id_numbers, persons, phones, segment
from gridbot.intents.locations import find_place

SENT_AT = datetime.fromisoformat("2026-04-08T09:30:00+08:00")

TEMPLATE = """@网格助手
【事件上报】
1. 类别：环境保护
2. 地点：东村3组村委会西侧
3. 时间：今天上午9点
4. 描述：路边建筑垃圾约2方，
   占了半边路
5. 涉及人员：带头人张某某、李某等3人
6. 联系电话：１３８００１３８０００
"""


def test_template_fields(catalog: Catalog) -> None:
    intent = parse(TEMPLATE, SENT_AT, catalog)
    assert intent.kind is IntentKind.REPORT
    f = intent.fields
    assert f.location == "东村3组村委会西侧"
    assert f.occurred_at is not None and f.occurred_at.isoformat() == "2026-04-08T09:00:00+08:00"
    assert f.description == "路边建筑垃圾约2方，\n占了半边路"  # the continuation line stays in 描述
    assert f.persons == ("张某某", "李某")
    assert f.phones == ("13800138000",)
    assert f.category == "环境保护"
    assert intent.sector == "环境保护"
    assert intent.confidence == 1.0


def test_field_aliases_and_inline_labels(catalog: Catalog) -> None:
    intent = parse("#上报 位置:幸福小区5号楼 情况：楼道飞线充电 手机：15929876543", SENT_AT, catalog)
    assert intent.fields.location == "幸福小区5号楼"
    assert intent.fields.description == "楼道飞线充电"
    assert intent.fields.phones == ("15929876543",)


@pytest.mark.parametrize(
    ("text", "self_resolved"),
    [
        ("【事件上报】\n地点：东村\n处置前：垃圾堆积\n处置后：已清理", True),
        ("【事件上报】\n地点：东村\n处置前情况：垃圾堆积\n处置结果：已清理", True),
        ("【事件上报】\n地点：东村\n描述：垃圾堆积\n处置情况：已通知清理", False),  # one half only
        ("【事件上报】\n地点：东村\n处置后：已清理", False),
        ("#自办结 东村垃圾已清理", True),
        ("＃自办结 东村垃圾已清理", True),
        ("#上报 东村垃圾已清理 #自办结", True),
        ("#上报 东村垃圾堆积", False),
    ],
)
def test_self_resolved(catalog: Catalog, text: str, self_resolved: bool) -> None:
    assert parse(text, SENT_AT, catalog).self_resolved is self_resolved


def test_before_and_after(catalog: Catalog) -> None:
    intent = parse("#上报 地点：北村3组 处置前：散落砖块 处置后：已清到路边", SENT_AT, catalog)
    assert (intent.fields.before, intent.fields.after) == ("散落砖块", "已清到路边")
    assert intent.fields.location == "北村3组"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("北村3组张某某家门口路灯不亮", "北村3组"),
        ("幸福小区5号楼2单元楼道堆物", "幸福小区5号楼2单元"),
        ("永乐街12号二楼有托管班", "永乐街12号二楼"),
        ("镇中学南门有摊贩", "镇中学"),
        ("工业园东门外大货车乱停", "工业园"),
        ("今天下午4点左右北村下了冰雹", "北村"),
        ("网格员走访发现东村5组贴了传单", "东村5组"),
        ("西村村委会门口", "西村"),
        ("在红旗村1组排水沟", "红旗村1组"),
        ("前进路人行道地砖松动", "前进路"),
        ("东村三组路灯坏了", "东村三组"),
        ("村民反映路灯坏了", None),
        ("托管班收了二十几个小学生", None),
        ("两个村几十号人对峙", None),
    ],
)
def test_place_from_text(text: str, place: str | None) -> None:
    assert find_place(text) == place


def test_phones_never_inside_an_id_number() -> None:
    text = "身份证610423199205063317，电话13800138000，座机029-88888888"
    assert phones(text) == ("13800138000",)
    assert id_numbers(text) == ("610423199205063317",)
    assert id_numbers("身份证号61042319920506331x") == ("61042319920506331X",)


def test_persons_split_and_stripped() -> None:
    assert persons("刘某、赵某") == ("刘某", "赵某")
    assert persons("5楼住户李某某") == ("李某某",)
    assert persons("带头人张某某 电话13991876543") == ("张某某",)
    assert persons("王某和孙某某") == ("王某", "孙某某")
    assert persons("张三(东村3组)") == ("张三",)


def test_segment_keeps_free_text_before_labels() -> None:
    segments = segment("红绿灯不亮了，危险得很 时间：今天早上7点半")
    assert segments.free == "红绿灯不亮了，危险得很"
    assert segments.get("time") == "今天早上7点半"


def test_label_inside_a_word_is_not_a_label() -> None:
    assert segment("侄子电话：13572345678").pairs == ()


def test_directive_template(catalog: Catalog) -> None:
    text = (
        "【部门指令】\n事项：电动自行车入户充电隐患排查\n类别：消防\n类型：隐患排查\n网格：东村,西村、南村第一网格\n"
        "要求：逐户排查，发现隐患拍照上传\n涉及人员：张三(东村3组)\n截止：4月10日18时"
    )
    intent = parse(text, SENT_AT, catalog)
    f = intent.fields
    assert intent.kind is IntentKind.DIRECTIVE
    assert f.title == "电动自行车入户充电隐患排查"
    assert f.category == "消防"
    assert f.directive_kind == "隐患排查"
    assert f.targets == ("东村", "西村", "南村第一网格")
    assert f.requirements == "逐户排查，发现隐患拍照上传"
    assert f.persons == ("张三",)
    assert f.deadline is not None and f.deadline.isoformat() == "2026-04-10T18:00:00+08:00"
    assert intent.sector == "消防"


def test_directive_whole_town_is_one_target(catalog: Catalog) -> None:
    intent = parse("【指令】\n标题：高龄补贴信息采集\n网格：全镇\n时限：4月20日", SENT_AT, catalog)
    assert intent.fields.targets == ("全镇",)
    assert intent.fields.title == "高龄补贴信息采集"
    assert intent.fields.deadline is not None and intent.fields.deadline.isoformat().startswith("2026-04-20T23:59")
