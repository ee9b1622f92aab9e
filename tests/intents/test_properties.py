"""Properties: parse is total and its JSON always serialises, whatever people type."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridbot.intents import Catalog, Intent, IntentKind, mask_text, parse
from gridbot.storage.catalog_file import load_default_catalog

CATALOG: Catalog = load_default_catalog()
SETTINGS = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

# Pieces people really type, so random text also reaches the deeper rules, not only `none`.
PIECES = st.sampled_from(
    [
        "#上报",
        "【事件上报】",
        "@网格助手",
        "签收",
        "E12",
        "Ｅ１２",
        "D3",
        "地点：",
        "时间：",
        "处置前：",
        "处置后：",
        "东村3组",
        "今天上午9点",
        "上周五",
        "十一月三十日",
        "13800138000",
        "610402199001011234",
        "\n",
        " ",
        "：",
        "延期",
        "2天",
        "核查",
        "不通过",
        "【部门指令】",
        "截止：",
        "类别：",
        "消防",
        "[微笑]",
        "👍",
        "#自办结",
        "回复 2",
        "上报",
        "預警",
        "簽收",
        "签手",
        "网格助手",
        "我要",
        "一下",
        "E1、E2",
        "日报",
        "这个月",
        "多少事件",
        "不同意延期",
        "【事件上抱】",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=10_000),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join),
)
TIMES = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
)


@SETTINGS
@given(text=TEXTS, sent_at=TIMES)
def test_parse_is_total_and_serialisable(text: str, sent_at: datetime | None) -> None:
    intent = parse(text, sent_at, CATALOG)
    assert isinstance(intent, Intent)
    assert isinstance(intent.kind, IntentKind)
    assert len(intent.candidates) <= 3
    assert 0.0 <= intent.confidence <= 1.0
    assert intent.ref == (intent.refs[0] if intent.refs else None)
    assert intent.hint is None or (intent.kind is IntentKind.NONE and "\n" not in intent.hint)
    assert (intent.fields.period is not None) == (intent.kind is IntentKind.STATS)
    json.dumps(intent.to_json(), ensure_ascii=False)


@SETTINGS
@given(before=TEXTS, after=TEXTS)
def test_mask_text_leaves_no_full_number(before: str, after: str) -> None:
    masked = mask_text(f"{before}，13800138000，{after}，610402199001011234。")
    assert masked.endswith("，610402********1234。")
    assert "，138****8000，" in masked
