"""Deadlines from the catalog's time limits; "working days" items count only Chinese working days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar

from gridbot.clock import SHANGHAI


def is_working_day(day: date) -> bool:
    """Statutory holidays and make-up working days included; outside the package's years, Mon–Fri."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_hours(start: datetime, hours: float, *, working_days: bool) -> datetime:
    """`start` + `hours`; with `working_days`, only the hours of working days count (24 h = one working day)."""
    if not working_days:
        return start + timedelta(hours=hours)
    remaining = timedelta(hours=hours)
    moment = start.astimezone(SHANGHAI)
    while remaining > timedelta(0):
        next_midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), SHANGHAI)
        if is_working_day(moment.date()):
            available = next_midnight - moment
            if remaining <= available:
                return (moment + remaining).astimezone(start.tzinfo)
            remaining -= available
        moment = next_midnight
    return moment.astimezone(start.tzinfo)
