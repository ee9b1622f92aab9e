"""Time expressions: extract spans, then resolve them against the message's own time (Asia/Shanghai).

Extraction finds `date? part-of-day? clock?` runs (今天上午9点, 上周五晚上8点, 4月1日上午十点, 3点半,
12点10分) and `3天前` / `刚才`; resolution turns one run into a datetime. `prefer` says which way an
incomplete date points: an event happened in the past (周五 = the last Friday), a deadline lies ahead
(周五 = the next Friday).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from gridbot.intents import vocabulary as v
from gridbot.intents.numerals import to_int

TZ = ZoneInfo("Asia/Shanghai")
Prefer = Literal["past", "future"]

_N = v.NUMBER
_WEEKDAY = (
    rf"(?<!每)(?P<week_offset>{v.alternation(v.WEEK_OFFSETS)})?(?:{v.alternation(v.WEEK_WORDS)})"
    rf"(?P<weekday>[{''.join(v.WEEKDAY_NAMES)}])"
)
_ABSOLUTE = rf"(?:(?P<year>\d{{4}})年)?(?P<month>{_N})月份?(?P<mday>{_N})(?:日|号)?"
_ISO = r"(?P<iso_year>\d{4})[-/.](?P<iso_month>\d{1,2})[-/.](?P<iso_day>\d{1,2})(?!\d)"
_RELATIVE = rf"(?P<relative>{v.alternation(v.RELATIVE_DAYS)})"
_PART = rf"(?P<part>{v.alternation(v.DAY_PARTS)})"
# 6号晚上 / 6日下午3点: a day of this month, only when a part of day or a clock time follows it.
_MONTH_DAY = rf"(?P<dom>{_N})[号日](?=\s?(?:{v.alternation(v.DAY_PARTS)}|{_N}\s?[点时]|\d{{1,2}}:\d{{2}}))"
_DATE = rf"(?:{_ISO}|{_ABSOLUTE}|{_WEEKDAY}|{_RELATIVE}|{_MONTH_DAY})"
_MINUTE = rf"(?:(?P<minute>\d{{1,2}}|{v.CN_NUMBER})分?|(?P<minute_word>{v.alternation(v.MINUTE_WORDS)}))"
_CLOCK = (
    rf"(?:(?P<hour>{_N})\s?(?P<hour_mark>[点时])(?:{_MINUTE})?|(?P<hh>\d{{1,2}}):(?P<mm>\d{{2}})(?!\d))"
    rf"(?P<approx>{v.alternation(v.APPROXIMATE_WORDS)})?"
)
_EXPRESSION = re.compile(rf"(?<!\d)(?P<date>{_DATE})?\s?(?:{_PART})?\s?(?P<clock>{_CLOCK})?")
_AGO = re.compile(
    rf"(?P<amount>\d{{1,3}}|{v.CN_NUMBER}|半)\s?(?P<unit>{v.alternation(v.AGO_UNITS)})(?:{v.alternation(v.AGO_WORDS)})"
    rf"|(?P<just_now>{v.alternation(v.JUST_NOW_WORDS)})"
)


@dataclass(frozen=True, slots=True)
class TimeSpan:
    start: int
    end: int
    value: datetime
    explicit_date: bool  # the text names the day, so "later than now" cannot mean "yesterday"
    has_clock: bool
    bare_hour: bool = False  # a clock hour of 1–11 with no 上午/下午/晚上: morning or afternoon is open


def as_reference(sent_at: datetime) -> datetime:
    """The message time in Asia/Shanghai (a naive time is taken as already local)."""
    return sent_at.replace(tzinfo=TZ) if sent_at.tzinfo is None else sent_at.astimezone(TZ)


def find_times(text: str, reference: datetime, prefer: Prefer = "past") -> Iterator[TimeSpan]:
    """Every resolvable time expression in the text, in order."""
    now = as_reference(reference)
    spans: list[TimeSpan] = []
    for found in _EXPRESSION.finditer(text):
        if found.end() > found.start():
            span = _resolve(found, now, prefer)
            if span is not None:
                spans.append(span)
    for found in _AGO.finditer(text):
        span = _resolve_ago(found, now)
        if span is not None:
            spans.append(span)
    yield from sorted(spans, key=lambda s: s.start)


_ANY_DAY = datetime(2024, 6, 15, 12, 0, tzinfo=TZ)  # a leap year, so 2月29日 reads as a date too


def time_spans(text: str) -> list[tuple[int, int]]:
    """Where the text tells a time (3月29日上午, 前天, 上周五下午, 8点半, 3天前), whatever its value: the
    spans other rules must not read as names (红旗村 in 3月29日上午红旗村2组)."""
    spans: list[tuple[int, int]] = []
    for found in _EXPRESSION.finditer(text):
        if found.end() <= found.start():
            continue
        part = found["part"]
        if _resolve(found, _ANY_DAY, "past") is not None or (part is not None and len(part) > 1):
            spans.append((found.start(), found.end()))  # a bare 上午 is a time too, if not a resolvable one
    spans.extend((found.start(), found.end()) for found in _AGO.finditer(text))
    return spans


def _resolve_ago(found: re.Match[str], now: datetime) -> TimeSpan | None:
    if found["just_now"] is not None:
        return TimeSpan(found.start(), found.end(), now, True, True)
    amount_text = found["amount"]
    amount = 0.5 if amount_text == "半" else to_int(amount_text)
    if amount is None:
        return None
    hours = amount * v.AGO_UNITS[found["unit"]]
    value = now - timedelta(hours=hours)
    if hours >= 24:  # 3天前 names a day, not an hour
        return TimeSpan(found.start(), found.end(), datetime.combine(value.date(), time(0), TZ), True, False)
    return TimeSpan(found.start(), found.end(), value.replace(second=0, microsecond=0), True, True)


def _resolve(found: re.Match[str], reference: datetime, prefer: Prefer) -> TimeSpan | None:
    groups = found.groupdict()
    part = groups["part"]
    has_date = groups["date"] is not None
    has_clock = groups["clock"] is not None
    relative = groups["relative"]
    # A lone 昨/今/明 or a one-character part of day (早, 晚) is too ambiguous on its own.
    if relative in v.SHORT_DAY_WORDS and part is None:
        return None
    if part is not None and len(part) == 1 and relative not in v.SHORT_DAY_WORDS and not has_clock:
        return None
    if not has_date and not has_clock:
        return None  # a bare 晚上 says nothing about which day
    day = _resolve_date(groups, reference.date(), prefer) if has_date else reference.date()
    if day is None:
        return None
    clock = _resolve_clock(groups, part, has_date) if has_clock else None
    if has_clock and clock is None:
        return None
    if clock is None:
        start_hour = v.DAY_PARTS[part][0] if part is not None else 0
        value = datetime.combine(day, time(start_hour), TZ)
    else:
        hour, minute = clock
        value = datetime.combine(day, time(0), TZ) + timedelta(hours=hour, minutes=minute)
    bare = clock is not None and part is None and 1 <= clock[0] <= 11
    return TimeSpan(found.start(), found.end(), value, has_date, has_clock, bare)


def _resolve_date(groups: dict[str, str | None], today: date, prefer: Prefer) -> date | None:
    if groups["relative"] is not None:
        return today + timedelta(days=v.RELATIVE_DAYS[groups["relative"]])
    if groups["weekday"] is not None:
        return _weekday(groups, today, prefer)
    if groups["dom"] is not None:
        mday = _int(groups["dom"])
        candidate = _safe_date(today.year, today.month, mday)
        if candidate is not None and prefer == "past" and candidate > today:
            previous = today.replace(day=1) - timedelta(days=1)
            return _safe_date(previous.year, previous.month, mday)
        if candidate is not None and prefer == "future" and candidate < today:
            following = today.replace(day=28) + timedelta(days=4)
            return _safe_date(following.year, following.month, mday)
        return candidate
    if groups["iso_year"] is not None:
        return _safe_date(int(groups["iso_year"]), _int(groups["iso_month"]), _int(groups["iso_day"]))
    month, mday = _int(groups["month"]), _int(groups["mday"])
    if groups["year"] is not None:
        return _safe_date(int(groups["year"]), month, mday)
    candidate = _safe_date(today.year, month, mday)
    if candidate is None:
        return None
    # 11月30日 written in April: an event was last year, a deadline this year; a deadline in January
    # written in December is next year.
    if prefer == "past" and candidate > today + timedelta(days=1):
        return _safe_date(today.year - 1, month, mday)
    if prefer == "future" and candidate < today - timedelta(days=60):
        return _safe_date(today.year + 1, month, mday)
    return candidate


def _weekday(groups: dict[str, str | None], today: date, prefer: Prefer) -> date:
    weekday = v.WEEKDAY_NAMES[groups["weekday"] or "一"]
    monday = today - timedelta(days=today.weekday())
    offset_word = groups["week_offset"]
    if offset_word is not None:
        return monday + timedelta(weeks=v.WEEK_OFFSETS[offset_word], days=weekday)
    this_week = monday + timedelta(days=weekday)
    if prefer == "past" and this_week > today:
        return this_week - timedelta(weeks=1)
    if prefer == "future" and this_week < today:
        return this_week + timedelta(weeks=1)
    return this_week


def _resolve_clock(groups: dict[str, str | None], part: str | None, has_date: bool) -> tuple[int, int] | None:
    if groups["hh"] is not None:
        hour, minute = _int(groups["hh"]), _int(groups["mm"])
    else:
        hour_text = groups["hour"] or ""
        hour = _int(hour_text)
        minute = 0
        if groups["minute"] is not None:
            minute = _int(groups["minute"])
        elif groups["minute_word"] is not None:
            minute = v.MINUTE_WORDS[groups["minute_word"]]
        # 一点 / 三时 in running text is rarely a clock time: a Chinese hour needs a day, a part of day,
        # minutes or a 左右/多-like word next to it.
        anchored = has_date or part is not None or groups["minute"] or groups["minute_word"] or groups["approx"]
        if not hour_text.isascii() and not anchored:
            return None
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    if part is not None:
        hour = _apply_part(hour, part)
    return hour, minute


def _apply_part(hour: int, part: str) -> int:
    _, afternoon = v.DAY_PARTS[part]
    if part in v.NOON_PARTS:
        return hour + 12 if 1 <= hour <= 5 else hour
    if afternoon and hour < 12:
        return hour + 12
    if afternoon and hour == 12:
        return 24  # 晚上12点: midnight at the end of that day
    if not afternoon and hour == 12 and v.DAY_PARTS[part][0] == 0:
        return 0  # 凌晨12点
    return hour


def _int(text: str | None) -> int:
    value = to_int(text or "")
    return -1 if value is None else value


def _safe_date(year: int, month: int, mday: int) -> date | None:
    try:
        return date(year, month, mday)
    except ValueError:
        return None


def occurred_at(text: str, reference: datetime | None) -> datetime | None:
    """When an event happened: the first expression not in the future. A time later today without a named day
    means yesterday (晚上11点 written at 9 in the morning)."""
    if reference is None:
        return None
    now = as_reference(reference)
    for span in find_times(text, now, "past"):
        value = span.value
        afternoon = value + timedelta(hours=12)
        if span.bare_hour and not span.explicit_date and afternoon <= now + timedelta(hours=1):
            value = afternoon  # a bare 3点半 written at 16:00 is this afternoon, the latest such moment past
        if value > now + timedelta(hours=1) and not span.explicit_date:
            value -= timedelta(days=1)
        if value <= now + timedelta(hours=1):
            return value
    return None


def deadline_at(text: str, reference: datetime | None) -> datetime | None:
    """A deadline: the first expression; a day without a clock time means the end of that day, a clock time
    already past today without a named day means tomorrow."""
    if reference is None:
        return None
    now = as_reference(reference)
    for span in find_times(text, now, "future"):
        if not span.has_clock:
            return datetime.combine(span.value.date(), time(23, 59), TZ)
        if span.value < now and not span.explicit_date:
            return span.value + timedelta(days=1)
        return span.value
    return None
