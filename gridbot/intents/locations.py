"""Where an event is, read from running text: the first place anchor and its sub-units.

An anchor is a short name plus a place suffix (东村, 幸福小区, 永乐街, 镇中学) or a place word on
its own (工业园); sub-units follow it (3组, 5号楼2单元, 12号). Chinese has no spaces, so the name's left
edge is cut after the last word that cannot be part of a name (在, 的, 发现 …) and after any time
expression (3月29日上午红旗村2组 is 红旗村2组: dates, 前天, 上周五, 下午, clock times are never a place).
"""

from __future__ import annotations

import re

from gridbot.intents import vocabulary as v
from gridbot.intents.timewords import time_spans

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
# Characters of which every Chinese time expression holds one (a cheap test before looking for times).
_TIME_CHARS = re.compile(r"[月日号天周期拜午晚早夜晨昨今明点时分刚前]")


def find_place(text: str) -> str | None:
    """The first place phrase in the text, or None."""
    names, masked = text, False
    position = 0
    while position < len(text):
        found = _ANCHOR.search(names, position)
        if found is None:
            return None
        if not masked and found["name"] is not None and _TIME_CHARS.search(found["name"]):
            # a name reaching into a time word (日上午红旗村2组): look again with the times blanked out
            names, masked = _without_times(text), True
            continue
        anchor = _anchor_text(found)
        if anchor is None:
            position = found.start() + 1
            continue
        units = _UNIT_RUN.match(text, found.end())
        return anchor + (units.group(0).replace(" ", "") if units else "")
    return None


def _without_times(text: str) -> str:
    """The text with its time expressions blanked out, same length, so a name cannot reach into them."""
    for start, end in time_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


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
