"""Event and directive references (E12, D3) in every form people type them."""

from __future__ import annotations

import re

from gridbot.intents import vocabulary as v

# E12, e12, E-12, #E12, 事件E12, `E 33` (after width folding, so Ｅ１２ is E12 here).
REF_PATTERN = (
    rf"(?:(?:{v.alternation(v.REF_PREFIX_WORDS)})\s?)?#?\s?"
    rf"(?<![A-Za-z])(?P<letter>[{v.REF_LETTERS}])\s?[{re.escape(v.REF_DASHES)}]?\s?(?P<number>\d{{1,7}})(?!\d)"
)
_REF = re.compile(REF_PATTERN)


def normalize_ref(letter: str, number: str) -> str:
    """("e", "012") → "E12"."""
    return f"{letter.upper()}{int(number)}"


def find_ref(text: str) -> str | None:
    """The first reference anywhere in the text, normalised."""
    found = _REF.search(text)
    return normalize_ref(found["letter"], found["number"]) if found else None
