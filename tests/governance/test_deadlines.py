"""Working time: limits count the working hours of Chinese working days, urgent matters count natural hours, and
timed notices of non-urgent matters wait out the quiet hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from pydantic import ValidationError

from gridbot.clock import SHANGHAI
from gridbot.governance.deadlines import (
    WorkingTime,
    directive_is_urgent,
    event_is_urgent,
    is_working_day,
    says_urgent,
)
from gridbot.settings import Settings
from gridbot.storage.catalog_file import load_default_catalog
from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import Event

WORK = WorkingTime.of(Settings())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# The default working day: 08:30–12:00 and 14:00–18:00, 7.5 hours.


def test_the_default_working_day_is_half_past_eight_to_six_with_a_lunch_break() -> None:
    assert WORK.hours == ((time(8, 30), time(12, 0)), (time(14, 0), time(18, 0)))
    assert WORK.day == timedelta(hours=7.5)


def test_an_event_dispatched_at_half_past_ten_at_night_is_due_next_morning() -> None:
    # The issue: dispatched 22:30 with 2 hours to accept was flagged at 00:30. Now: 08:30 + 2 working hours.
    assert WORK.add(at("2026-04-01T22:30"), 2, urgent=False) == at("2026-04-02T10:30")


def test_hours_stop_at_noon_and_go_on_after_lunch() -> None:
    assert WORK.add(at("2026-04-01T11:00"), 2, urgent=False) == at("2026-04-01T15:00")


def test_hours_left_at_six_carry_over_to_the_next_working_morning() -> None:
    assert WORK.add(at("2026-04-01T17:00"), 2, urgent=False) == at("2026-04-02T09:30")


def test_a_limit_that_ends_exactly_at_six_is_due_at_six() -> None:
    assert WORK.add(at("2026-04-01T14:00"), 4, urgent=False) == at("2026-04-01T18:00")


def test_a_friday_evening_limit_skips_the_weekend() -> None:
    # Friday 10 April 2026 (a normal weekend follows).
    assert WORK.add(at("2026-04-10T17:30"), 1, urgent=False) == at("2026-04-13T09:00")


def test_limits_of_a_day_or_more_count_working_days() -> None:
    # 24 h is one working day: 10:00 Wednesday → 10:00 Thursday; 72 h → 10:00 Monday.
    assert WORK.add(at("2026-04-08T10:00"), 24, urgent=False) == at("2026-04-09T10:00")
    assert WORK.add(at("2026-04-08T10:00"), 72, urgent=False) == at("2026-04-13T10:00")
    assert WORK.add(at("2026-04-08T10:00"), 36, urgent=False) == at("2026-04-09T15:45")  # one and a half days


def test_limits_under_a_day_count_at_most_one_working_day() -> None:
    # 8 h or 12 h is no longer than 24 h: both are one working day.
    start = at("2026-04-08T10:00")
    assert WORK.add(start, 8, urgent=False) == WORK.add(start, 24, urgent=False) == at("2026-04-09T10:00")
    assert WORK.add(start, 12, urgent=False) == at("2026-04-09T10:00")
    assert WORK.add(start, 6, urgent=False) == at("2026-04-08T18:00")  # 10–12 and 14–18: six working hours


def test_longer_limits_are_never_due_earlier() -> None:
    start = at("2026-04-08T10:00")
    dues = [WORK.add(start, hours, urgent=False) for hours in (0.5, 1, 2, 4, 6, 7.5, 8, 12, 20, 24, 25, 48, 72, 168)]
    assert dues == sorted(dues)


def test_working_days_skip_the_qingming_holiday() -> None:
    # Friday 3 April 2026, 10:00 + one working day: Sat 4 – Mon 6 April are the 清明 holiday.
    assert WORK.add(at("2026-04-03T10:00"), 24, urgent=False) == at("2026-04-07T10:00")


def test_a_make_up_saturday_counts_as_a_working_day() -> None:
    # 9 May 2026 is a Saturday worked in exchange for the 劳动节 holiday (1–5 May).
    assert is_working_day(at("2026-05-09T00:00").date())
    assert WORK.add(at("2026-05-08T12:00"), 24, urgent=False) == at("2026-05-09T12:00")


def test_a_limit_set_on_a_holiday_starts_counting_on_the_next_working_day() -> None:
    # 国庆 2026: 1–7 October off, Thursday 8 October back at work.
    assert WORK.add(at("2026-10-01T09:00"), 2, urgent=False) == at("2026-10-08T10:30")


def test_urgent_limits_count_natural_hours_nights_and_holidays_included() -> None:
    assert WORK.add(at("2026-04-01T22:30"), 2, urgent=True) == at("2026-04-02T00:30")
    assert WORK.add(at("2026-04-03T10:00"), 24, urgent=True) == at("2026-04-04T10:00")


def test_working_time_between_two_moments() -> None:
    assert WORK.between(at("2026-04-01T11:00"), at("2026-04-01T15:00")) == timedelta(hours=2)
    assert WORK.between(at("2026-04-03T17:00"), at("2026-04-07T09:30")) == timedelta(hours=2)  # over 清明
    assert WORK.between(at("2026-04-01T15:00"), at("2026-04-01T11:00")) == timedelta(0)


def test_an_hour_before_a_deadline_is_an_hour_of_working_time() -> None:
    assert WORK.backward(at("2026-04-02T09:30"), timedelta(hours=1)) == at("2026-04-02T08:30")
    assert WORK.backward(at("2026-04-02T14:30"), timedelta(hours=1)) == at("2026-04-02T11:30")
    assert WORK.backward(at("2026-04-07T09:00"), timedelta(hours=1)) == at("2026-04-03T17:30")  # over 清明


# Quiet hours: 21:00–07:30.


@pytest.mark.parametrize(
    ("moment", "sent"),
    [
        ("2026-04-01T20:59", "2026-04-01T20:59"),
        ("2026-04-01T21:00", "2026-04-02T07:30"),
        ("2026-04-01T23:31", "2026-04-02T07:30"),
        ("2026-04-02T02:31", "2026-04-02T07:30"),
        ("2026-04-02T07:30", "2026-04-02T07:30"),
    ],
)
def test_a_notice_due_in_the_quiet_hours_is_sent_when_they_end(moment: str, sent: str) -> None:
    assert WORK.notify_at(at(moment), urgent=False) == at(sent)


def test_an_urgent_notice_is_sent_at_night() -> None:
    assert WORK.notify_at(at("2026-04-02T02:31"), urgent=True) == at("2026-04-02T02:31")


# What is urgent.


def event(**fields: object) -> Event:
    now = at("2026-04-01T09:00")
    return Event.model_validate({"grid_id": 1, "town_id": 1, "created_at": now, "updated_at": now, **fields})


def test_urgent_means_a_warning_a_warning_type_item_or_the_word_urgent() -> None:
    catalog = load_default_catalog()
    assert not event_is_urgent(catalog, event(description="红旗村2组路灯不亮", item_code="CG09"))
    assert event_is_urgent(catalog, event(description="聚集", warning=True))
    warning_item = next(item for item in catalog.items if item.warning)
    assert event_is_urgent(catalog, event(description="情况", item_code=warning_item.code))
    assert event_is_urgent(catalog, event(description="紧急：3组水管爆裂"))
    assert event_is_urgent(catalog, event(description="3组水管爆裂", before="紧急关阀"))


def test_not_urgent_is_not_urgent() -> None:
    assert says_urgent("情况紧急")
    assert not says_urgent("不紧急，明天处理即可")
    assert not says_urgent("非紧急事项")
    assert not says_urgent(None, "")


def test_a_directive_is_urgent_when_its_title_or_requirements_say_so() -> None:
    now = at("2026-04-01T09:00")
    directive = Directive(department_id=1, issuer_id=1, title="燃气安全入户宣传", created_at=now, updated_at=now)
    directive.item_code = "YJ02"  # 燃气/危化品泄漏隐患, a warning-type item: a campaign about it is not urgent
    assert not directive_is_urgent(directive)
    directive.requirements = "紧急排查，今晚完成"
    assert directive_is_urgent(directive)


# Settings.


def test_working_and_quiet_hours_are_configurable() -> None:
    settings = Settings(working_hours=["09:00-12:00", "13:30-17:30"], quiet_hours="22:00-07:00")
    work = WorkingTime.of(settings)
    assert work.day == timedelta(hours=7)
    assert work.add(at("2026-04-01T11:00"), 2, urgent=False) == at("2026-04-01T14:30")
    assert work.notify_at(at("2026-04-01T21:30"), urgent=False) == at("2026-04-01T21:30")
    assert work.notify_at(at("2026-04-01T22:30"), urgent=False) == at("2026-04-02T07:00")


def test_working_hours_may_be_written_as_one_string() -> None:
    assert Settings(working_hours="08:00-12:00, 14:30-17:30").working_hours == ["08:00-12:00", "14:30-17:30"]


def test_no_quiet_hours_when_left_empty() -> None:
    work = WorkingTime.of(Settings(quiet_hours=""))
    assert work.notify_at(at("2026-04-02T02:31"), urgent=False) == at("2026-04-02T02:31")


@pytest.mark.parametrize(
    "hours",
    [[], ["8:30 to 12"], ["12:00-08:30"], ["08:30-12:00", "11:00-18:00"]],
)
def test_unusable_working_hours_are_refused(hours: list[str]) -> None:
    with pytest.raises(ValidationError):
        Settings(working_hours=hours)
