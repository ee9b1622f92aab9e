"""Event and directive references (E12, D3) in every form people type them."""

from __future__ import annotations

import re

from gridbot.intents import vocabulary as v
from gridbot.intents.normalize import fold_width

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


def find_refs(text: str) -> tuple[str, ...]:
    """Every reference in the text, normalised, each once, in order of appearance."""
    found = (normalize_ref(match["letter"], match["number"]) for match in _REF.finditer(fold_width(text)))
    return tuple(dict.fromkeys(found))


def quoted_reference(quoted_text: str) -> str | None:
    """The one reference a quoted message names ("E12 已派单给综合执法队…" → "E12"); None when it names none, or
    several (a list is no answer to "which one")."""
    refs = find_refs(quoted_text)
    return refs[0] if len(refs) == 1 else None
