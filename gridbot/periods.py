"""Calendar arithmetic for periodic jobs, in the town's timezone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gridbot.clock import SHANGHAI


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period [start, end) with its key (2026-04-01, 2026-W14, 2026-04) and its label."""

    key: str
    label: str
    start: datetime
    end: datetime


def at(day: date, clock_time: time) -> datetime:
    return datetime.combine(day, clock_time, SHANGHAI)


def day_period(day: date) -> Period:
    return Period(day.isoformat(), f"{day.month}月{day.day}日", at(day, time()), at(day + timedelta(days=1), time()))


def week_period(monday: date) -> Period:
    year, week, _ = monday.isocalendar()
    sunday = monday + timedelta(days=6)
    return Period(
        f"{year}-W{week:02d}",
        f"{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日",
        at(monday, time()),
        at(monday + timedelta(days=7), time()),
    )


def month_period(first: date) -> Period:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return Period(f"{first:%Y-%m}", f"{first.year}年{first.month}月", at(first, time()), at(following, time()))


def month_of(key: str) -> Period:
    year, month = key.split("-")
    return month_period(date(int(year), int(month), 1))


def schedule(kind: str, clock_time: time, after: datetime, until: datetime) -> Iterator[tuple[datetime, Period]]:
    """Each moment in (after, until] at which a `kind` job runs, with the period it reports on."""
    day = after.astimezone(SHANGHAI).date()
    last = until.astimezone(SHANGHAI).date()
    while day <= last:
        moment = at(day, clock_time)
        if after < moment <= until:
            if kind == "daily":
                yield moment, day_period(day - timedelta(days=1))
            elif kind == "weekly" and day.weekday() == 0:
                yield moment, week_period(day - timedelta(days=7))
            elif kind == "monthly" and day.day == 1:
                previous = day - timedelta(days=1)
                yield moment, month_period(previous.replace(day=1))
        day += timedelta(days=1)
