"""Normalisation: width, mention, emoji, bullets, spaces and lines (messages.md, first paragraph)."""

from __future__ import annotations

import pytest

from gridbot.intents.normalize import fold_digits, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ｅ１２　签收", "E12 签收"),
        ("＃上报 东村", "#上报 东村"),
        ("［上报］", "[上报]"),
        ("收到👌", "收到"),
        ("评价 E15 满意👍🏻", "评价 E15 满意"),
        ("[微笑]好的[捂脸]", "好的"),
        ("[上报] 东村", "[上报] 东村"),  # a template header is not an emoji code
        ("地点：东村，情况：好！", "地点：东村，情况：好！"),  # Chinese punctuation kept
        ("1. 地点:东村\n2、问题：漏水\n③内容：x\n（4）电话：1", "地点:东村\n问题：漏水\n内容：x\n电话：1"),
        ("- 地点：东村\n• 描述：漏水", "地点：东村\n描述：漏水"),
        ("  a \n\n\n  b  ", "a\nb"),
        ("2.5方垃圾", "2.5方垃圾"),  # a decimal is no bullet
        ("#上報 东村", "#上报 东村"),  # traditional characters of the command words
        ("簽收 E1", "签收 E1"),
        ("【預警直報】", "【预警直报】"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    [
        "@网格助手 收到",
        "@网格助手\n收到",
        "@网格助手\u2005收到",
        "收到 @网格助手",
        "网格助手收到",  # said without @ at the start (voice input)
        "网格助手，收到",
        "@網格助手 收到",  # traditional characters
    ],
)
def test_bot_mention_is_removed_and_remembered(raw: str) -> None:
    result = normalize(raw)
    assert result.text == "收到"
    assert result.mentioned


def test_other_mentions_are_not_the_bot() -> None:
    assert not normalize("@张某某 你们组的事件记得补照片").mentioned


def test_fold_digits_keeps_positions() -> None:
    text = "电话１３８００１３８０００号"
    assert fold_digits(text) == "电话13800138000号"
    assert len(fold_digits(text)) == len(text)
