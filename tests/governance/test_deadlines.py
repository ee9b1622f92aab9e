"""Deadlines: wall-clock hours, or Chinese working days with statutory holidays and make-up days."""

from __future__ import annotations

from datetime import datetime

from gridbot.clock import SHANGHAI
from gridbot.governance.deadlines import add_hours, is_working_day


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_plain_hours_ignore_the_calendar() -> None:
    assert add_hours(at("2026-04-03T10:00"), 24, working_days=False) == at("2026-04-04T10:00")


def test_working_days_skip_the_qingming_holiday() -> None:
    # Friday 3 April 2026, 10:00 + one working day: Sat 4 – Mon 6 April are the 清明 holiday.
    assert add_hours(at("2026-04-03T10:00"), 24, working_days=True) == at("2026-04-07T10:00")


def test_a_make_up_saturday_counts_as_a_working_day() -> None:
    # 9 May 2026 is a Saturday worked in exchange for the 劳动节 holiday (1–5 May).
    assert is_working_day(at("2026-05-09T00:00").date())
    assert add_hours(at("2026-05-08T12:00"), 24, working_days=True) == at("2026-05-09T12:00")


def test_a_deadline_set_on_a_holiday_starts_counting_on_the_next_working_day() -> None:
    # 国庆 2026: 1–7 October off, Thursday 8 October back at work.
    assert add_hours(at("2026-10-01T09:00"), 12, working_days=True) == at("2026-10-08T12:00")
