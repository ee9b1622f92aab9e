"""Where an event is, read from running text: the first place anchor and its sub-units.

An anchor is a short name plus a place suffix (东村, 幸福小区, 永乐街, 镇中学) or a place word on
its own (工业园); sub-units follow it (3组, 5号楼2单元, 12号). Chinese has no spaces, so the name's left
edge is cut after the last word that cannot be part of a name (在, 的, 发现 …).
"""

from __future__ import annotations

import re

from gridbot.intents import vocabulary as v

_CJK = "\u4e00-\u9fff"


def _suffix(word: str) -> str:
    guard = v.PLACE_SUFFIX_GUARDS.get(word)
    return re.escape(word) + (f"(?![{guard}])" if guard else "")


_SUFFIXES = "|".join(_suffix(w) for w in sorted(v.PLACE_SUFFIXES, key=len, reverse=True))
_UNITS = v.alternation(v.PLACE_UNITS)
_ANCHOR = re.compile(
    rf"(?P<whole>{v.alternation(v.PLACE_WHOLE_WORDS)})|(?P<name>[{_CJK}]{{1,5}}?)(?P<suffix>{_SUFFIXES})"
)
# Lazy name first so the shortest name wins at a given start; the scan below moves the start leftwards-first.
_UNIT_RUN = re.compile(rf"(?:\s?(?:\d{{1,4}}|[一二三四五六七八九十]{{1,3}})(?:{_UNITS}))+")
_STOPS = re.compile(v.alternation(v.PLACE_NAME_STOPS))


def find_place(text: str) -> str | None:
    """The first place phrase in the text, or None."""
    position = 0
    while position < len(text):
        found = _ANCHOR.search(text, position)
        if found is None:
            return None
        anchor = _anchor_text(found)
        if anchor is None:
            position = found.start() + 1
            continue
        units = _UNIT_RUN.match(text, found.end())
        return anchor + (units.group(0).replace(" ", "") if units else "")
    return None


def _anchor_text(found: re.Match[str]) -> str | None:
    if found["whole"] is not None:
        return found["whole"]
    name = found["name"]
    stops = list(_STOPS.finditer(name))
    if stops:
        name = name[stops[-1].end() :]
    if not name or (len(name) == 1 and name not in v.PLACE_SHORT_NAMES):
        return None
    place = name + found["suffix"]
    if any(place.endswith(word) for word in v.NOT_PLACES):
        return None
    return place
