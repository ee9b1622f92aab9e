"""Masking of personal numbers for everything the bot posts or logs (architecture.md, Conventions)."""

from __future__ import annotations

import re

from gridbot.intents.normalize import fold_digits

_PHONE = re.compile(r"(?<![\dA-Za-z])1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\dA-Za-z])")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def mask_phone(phone: str) -> str:
    """'13800138000' → '138****8000'; anything too short to mask keeps only its last characters."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(id_number: str) -> str:
    """'610402199001011234' → '610402********1234'."""
    value = id_number.strip()
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_text(text: str) -> str:
    """Every mobile and ID number in free text masked, full-width digits included."""
    folded = fold_digits(text)  # same length, so positions in `folded` are positions in `text`
    spans: list[tuple[int, int, str]] = []
    for found in _ID_NUMBER.finditer(folded):
        spans.append((found.start(), found.end(), mask_id_number(found.group(0))))
    for found in _PHONE.finditer(folded):
        compact = re.sub(r"[- ]", "", found.group(0))
        spans.append((found.start(), found.end(), mask_phone(compact)))
    result = text
    for start, end, masked in sorted(spans, reverse=True):
        result = result[:start] + masked + result[end:]
    return result
