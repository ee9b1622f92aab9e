"""Small numbers written in Chinese or Arabic digits (三, 十一, 二十三, 两, 12)."""

from __future__ import annotations

from gridbot.intents import vocabulary as v


def to_int(text: str) -> int | None:
    """Arabic digits, or Chinese numerals up to 99; None for anything else."""
    if not text:
        return None
    if text.isascii():
        return int(text) if text.isdigit() else None
    if "十" not in text:
        if len(text) != 1 or text not in v.CN_DIGITS:
            return None
        return v.CN_DIGITS[text]
    tens_text, _, units_text = text.partition("十")
    if len(tens_text) > 1 or len(units_text) > 1:
        return None
    tens = v.CN_DIGITS.get(tens_text, -1) if tens_text else 1
    units = v.CN_DIGITS.get(units_text, -1) if units_text else 0
    if tens < 0 or units < 0:
        return None
    return tens * 10 + units
