"""Masking of personal numbers for everything the bot posts, logs, prints or exports (architecture.md, Conventions).

`mask_text` is the one function every output goes through; the database keeps the raw values. It reads the text
with full-width digits and the full-width ＋－．（） and the ideographic space folded to ASCII (one character for
one, so the positions found are positions in the original), and replaces, left to right:

========================  =====================================  ===================================
what                      written as                             shown as
========================  =====================================  ===================================
mobile                    13800138000, 138-0013-8000,            138****8000, +86 138****8000
                          138 0013 8000, 1380.0138.000;          (the prefix as written, then the
                          after +86 / 86 / 0086 / (+86) / 0,     first 3 and last 4 digits)
                          with or without a separator;
                          groups 3-4-4 or 4-4-3
landline with area code   029-8888 6666, (029)88886666,          029-****6666, (029)****6666,
                          0298888666, 010 6512 3456,             029***8666, 010 ****3456,
                          +86 29 8888 6666, 0086-10-65123456     +86 29 ****6666 (area code kept,
                          (area code 010, 02x or 0xxx, then a    of the subscriber number only the
                          7–8 digit number not starting with 0)  last 4 digits)
local number after a      电话：8888 6666, TEL 8886666,           电话：****6666, TEL ***6666,
phone label               座机88886666 (7–8 digits, not the      座机****6666
                          start of a longer number)
ID number, 18 digits      610402199001011234, …123X,             610402********1234
                          610402 19900101 1234 (6-8-4, by one    (first 6 and last 4)
                          space or dash; 6-6-3 for 15 digits)
ID number, 15 digits      610402900101123 (old format; the       610402*****1123
                          birth date YYMMDD must be a date)
bank card, 16–19 digits   6222021234567890,                      6222********7890,
                          6222 0212 3456 7890 (groups of 4       6222 **** **** 7890 (first 4 and
                          by spaces or dashes)                   last 4; layout kept)
========================  =====================================  ===================================

A separator between the groups of a number is up to two spaces, or one of - . – — with up to two spaces
either side; no other character (no comma, colon, slash or line break) joins digits. 18 plain digits not
starting with 0 read as an ID number (first 6 shown), other runs of 16–19 digits as a bank card.

Boundaries: a number is never a piece of a longer run of digits (no digit right before or after it), but
letters and Chinese may touch it: TEL13800138000, 电话:13800138000 and ID610402199001011234 are masked.
Everything else stays readable: event and directive references (E12, D3), dates (2026-12-03, 20260408),
times (08:30-12:00, 0830-1200), amounts (12.5万元, 1,234.56), building numbers (5号楼3单元), short numbers
(12345热线, 110, 会议号 123 456 789) and numbers of up to 6 digits after a phone label.
"""

from __future__ import annotations

import re

from gridbot.intents import vocabulary as v
from gridbot.intents.normalize import fold_digits

# Full-width marks that appear in numbers, to ASCII (one character for one, like fold_digits).
_FOLD_MARKS = str.maketrans({"＋": "+", "－": "-", "．": ".", "（": "(", "）": ")", "\u3000": " "})

_GAP = r"(?:[ \t]{0,2}[-.\u2010-\u2015][ \t]{0,2}|[ \t]{1,2})"  # a separator between two groups of digits
_SEP = rf"{_GAP}?"
_ID_SEP = r"[ -]?"
_AREA = r"(?:10|2\d|[3-9]\d\d)"  # an area code without its leading 0: 10 (Beijing), 2x, or three digits
_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # MMDD
_PHONE_LABELS = (*v.FIELD_LABELS["phones"], "座机", "固话", "固定电话", "办公电话", "热线电话")

_NUMBER = re.compile(
    rf"""
    (?<!\d)
    (?:
        (?P<card>\d{{4}}(?:{_GAP}\d{{4}}){{3}}(?:{_GAP}\d{{1,3}})?)
      | (?P<id18>[1-9]\d{{5}}{_ID_SEP}\d{{8}}{_ID_SEP}\d{{3}}[\dXx])
      | (?P<id15>[1-9]\d{{5}}{_ID_SEP}\d\d{_DAY}{_ID_SEP}\d{{3}})
      | (?P<plain_card>\d{{16,19}})
      | (?P<mobile_prefix>\(?(?:\+[ ]?|00)?86\)?{_SEP}|0)?
        (?P<mobile>1[3-9]\d(?:{_SEP}\d{{4}}{_SEP}\d{{4}}|\d{_SEP}\d{{4}}{_SEP}\d{{3}}))
      | (?P<area>\(?(?:\+[ ]?|00)86\)?{_SEP}(?:\(0?{_AREA}\)|0?{_AREA})|\(0{_AREA}\)|0{_AREA})
        {_SEP}
        (?P<landline>[1-9]\d{{2,3}}{_SEP}\d{{4}})
    )
    (?!\d)
  | (?P<label>{v.alternation(_PHONE_LABELS)}|(?i:tel|phone|mobile))[ \t]?[:：]?[ \t]?
    (?P<local>[1-9]\d{{2,3}}{_SEP}\d{{4}})
    (?!{_SEP}\d)  # not the first 7–8 digits of a longer number (电话 138 0013 8000 is a mobile)
    """,
    re.VERBOSE,
)
_NOT_DIGIT = re.compile(r"\D")


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


def _last_four(digits: str) -> str:
    """A subscriber number: only its last 4 digits."""
    return "*" * (len(digits) - 4) + digits[-4:]


def _card(written: str) -> str:
    """A bank card, layout kept: the first 4 and the last 4 digits shown, the other digits starred."""
    total = sum(c.isdigit() for c in written)
    seen = 0
    out: list[str] = []
    for c in written:
        if c.isdigit():
            seen += 1
            out.append(c if seen <= 4 or seen > total - 4 else "*")
        else:
            out.append(c)
    return "".join(out)


def _masked(found: re.Match[str], text: str) -> str:
    """The replacement of one number found in the folded text; what stays before the digits (prefix, area code,
    label) as written in `text`."""
    number = found.group(0)
    if found["card"] is not None or found["plain_card"] is not None:
        return _card(number)
    if found["id18"] is not None or found["id15"] is not None:
        return mask_id_number(_NOT_DIGIT.sub("", number[:-1]) + number[-1])
    kind = "mobile" if found["mobile"] is not None else "landline" if found["landline"] is not None else "local"
    kept = text[found.start() : found.start(kind)]
    digits = _NOT_DIGIT.sub("", found[kind])
    return kept + (mask_phone(digits) if kind == "mobile" else _last_four(digits))


def mask_text(text: str) -> str:
    """Every personal number in free text masked by the rules of this module's docstring."""
    folded = fold_digits(text).translate(_FOLD_MARKS)  # same length: positions in `folded` are positions in `text`
    pieces: list[str] = []
    position = 0
    for found in _NUMBER.finditer(folded):
        pieces.append(text[position : found.start()])
        pieces.append(_masked(found, text))
        position = found.end()
    pieces.append(text[position:])
    return "".join(pieces)
