"""Masking of phone and ID numbers (shown masked everywhere the bot posts or logs)."""

from __future__ import annotations

import pytest

from gridbot.intents import mask_id_number, mask_phone, mask_text


def test_mask_phone() -> None:
    assert mask_phone("13800138000") == "138****8000"


def test_mask_id_number() -> None:
    assert mask_id_number("610402199001011234") == "610402********1234"
    assert mask_id_number("61040219900101123X") == "610402********123X"


def test_mask_text_masks_every_number_in_place() -> None:
    text = "张某某电话13800138000，身份证610402199001011234，侄子１３５７２３４５６７８"
    assert mask_text(text) == "张某某电话138****8000，身份证610402********1234，侄子135****5678"


def test_mask_text_leaves_other_numbers() -> None:
    text = "E12 会议号 123 456 789，12345热线，2026年4月8日"
    assert mask_text(text) == text


def test_mask_text_phone_with_separators() -> None:
    assert mask_text("电话 138-0013-8000") == "电话 138****8000"


def test_id_number_is_not_masked_as_a_phone() -> None:
    assert mask_text("610423199205063317") == "610423********3317"


# Every format of the module's docstring, as written → as shown.
MASKED = [
    # mobiles: prefixes, separators, labels and letters before
    ("13800138000", "138****8000"),
    ("+86 13800138000", "+86 138****8000"),
    ("+86-138-0013-8000", "+86-138****8000"),
    ("86 138 0013 8000", "86 138****8000"),
    ("8613800138000", "86138****8000"),
    ("0086-13800138000", "0086-138****8000"),
    ("008613800138000", "0086138****8000"),
    ("(+86)13800138000", "(+86)138****8000"),
    ("＋８６　１３８－００１３－８０００", "＋８６　138****8000"),
    ("013800138000", "0138****8000"),
    ("138.0013.8000", "138****8000"),
    ("1380 0138 000", "138****8000"),
    ("TEL13800138000", "TEL138****8000"),
    ("Tel:13800138000", "Tel:138****8000"),
    ("电话:13800138000", "电话:138****8000"),
    ("手机号码：138 0013 8000", "手机号码：138****8000"),
    ("联系人张某13800138000转告", "联系人张某138****8000转告"),
    # landlines: area code kept, of the subscriber number only the last 4 digits
    ("029-8888 6666", "029-****6666"),
    ("029-88886666", "029-****6666"),
    ("(029)88886666", "(029)****6666"),
    ("（０２９）８８８８６６６６", "（０２９）****6666"),
    ("0298888666", "029***8666"),
    ("010 6512 3456", "010 ****3456"),
    ("0571-8888666", "0571-***8666"),
    ("010-65123456转801", "010-****3456转801"),
    ("+86 29 8888 6666", "+86 29 ****6666"),
    ("0086-10-65123456", "0086-10-****3456"),
    ("+86 0571 88886666", "+86 0571 ****6666"),
    ("座机029-12345678", "座机029-****5678"),
    ("029-13912345678", "029-139****5678"),
    ("(0913)13912345678", "(0913)139****5678"),
    # a local number after a phone label
    ("电话：8888 6666", "电话：****6666"),
    ("TEL 8886666", "TEL ***6666"),
    ("座机88886666", "座机****6666"),
    # ID numbers, 18 and 15 digits
    ("610402199001011234", "610402********1234"),
    ("61040219900101123x", "610402********123x"),
    ("ID610402199001011234", "ID610402********1234"),
    ("身份证号610402 19900101 1234", "身份证号610402********1234"),
    ("610402900101123", "610402*****1123"),
    ("老身份证610402-900101-123，", "老身份证610402*****1123，"),
    # bank cards
    ("6222021234567890", "6222********7890"),
    ("卡号6222 0212 3456 7890", "卡号6222 **** **** 7890"),
    ("6222-0212-3456-7890-123", "6222-****-****-***0-123"),
    ("62220212345678901", "6222*********8901"),
    ("6222021234567890123", "6222***********0123"),
    ("622202123456789012", "622202********9012"),  # 18 plain digits read as an ID number
]

READABLE = [
    "E12 会议号 123 456 789，12345热线，2026年4月8日",
    "签收 E12、E13，D3 已完成",
    "2026-12-03 08:30-12:00",
    "2026-04-08T08:30:00+08:00",
    "时间 0830-1200，20260408",
    "金额12.5万元，合计1,234,567.89元，2000元",
    "5号楼3单元1502室",
    "打12345热线，报警110，急救120",
    "电话：12345",
    "电话110",
    "时间戳 1700000000 和 1700000000000",
    "工单号 202604081234567",  # 15 digits whose birth date is no date: not an old ID number
    "第3网格 共 45 户 138 人",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_each_format_is_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", READABLE)
def test_references_dates_times_amounts_and_short_numbers_stay(text: str) -> None:
    assert mask_text(text) == text


def test_several_numbers_in_one_text() -> None:
    text = "王某 +86 138 0013 8000，座机(029)8888-6666，卡号6222 0212 3456 7890，旧证610402900101123，E12"
    assert (
        mask_text(text) == "王某 +86 138****8000，座机(029)****6666，卡号6222 **** **** 7890，旧证610402*****1123，E12"
    )


def test_masking_twice_changes_nothing() -> None:
    once = mask_text("，".join(text for text, _ in MASKED))
    assert mask_text(once) == once
