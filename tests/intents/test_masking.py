"""Masking of phone and ID numbers (shown masked everywhere the bot posts or logs)."""

from __future__ import annotations

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
