"""Time words read against the message's own time in Asia/Shanghai (messages.md, Reports and warnings)."""

from __future__ import annotations

from datetime import datetime

import pytest

from gridbot.intents.timewords import deadline_at, occurred_at

SENT_AT = datetime.fromisoformat("2026-04-08T09:30:00+08:00")  # Wednesday morning


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天上午9点", "2026-04-08T09:00"),
        ("今天", "2026-04-08T00:00"),
        ("昨天", "2026-04-07T00:00"),
        ("前天晚上10点左右", "2026-04-06T22:00"),
        ("昨天下午3点", "2026-04-07T15:00"),
        ("昨晚8点多", "2026-04-07T20:00"),
        ("今早7点半", "2026-04-08T07:30"),
        ("今天凌晨1点", "2026-04-08T01:00"),
        ("今天上午十点半", "2026-04-08T10:30"),  # within the hour of sending: still "now"
        ("前天中午12点10分", "2026-04-06T12:10"),
        ("昨天中午1点", "2026-04-07T13:00"),
        ("昨天下午两点多", "2026-04-07T14:00"),
        ("昨天晚上七点以后", "2026-04-07T19:00"),
        ("上周五晚上8点", "2026-04-03T20:00"),
        ("周五晚上9点多", "2026-04-03T21:00"),
        ("星期一", "2026-04-06T00:00"),
        ("上个星期五", "2026-04-03T00:00"),
        ("4月1日上午十点", "2026-04-01T10:00"),
        ("3月28日", "2026-03-28T00:00"),
        ("十一月三十日", "2025-11-30T00:00"),  # an event in November, written in April: last year
        ("2026年4月6日下午4点", "2026-04-06T16:00"),
        ("2026-04-05", "2026-04-05T00:00"),
        ("6号晚上8点", "2026-04-06T20:00"),
        ("晚上11点以后还在施工", "2026-04-07T23:00"),  # later today without a day: last night
        ("8:40", "2026-04-08T08:40"),
        ("3天前", "2026-04-05T00:00"),
        ("两小时前", "2026-04-08T07:30"),
        ("刚才", "2026-04-08T09:30"),
    ],
)
def test_occurred_at(text: str, expected: str) -> None:
    value = occurred_at(text, SENT_AT)
    assert value is not None
    assert value.isoformat().startswith(expected)
    assert value.utcoffset() is not None and value.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    ["有一点漏水", "3个月工资", "12名工人", "东村3组", "晚上看不清", "明天上午有强降雨", "下周一去上访", ""],
)
def test_no_time_or_a_future_one_is_no_occurrence(text: str) -> None:
    assert occurred_at(text, SENT_AT) is None


def test_without_message_time_times_stay_unknown() -> None:
    assert occurred_at("今天上午9点", None) is None
    assert deadline_at("4月10日18时", None) is None


def test_naive_message_time_is_local() -> None:
    value = occurred_at("今天上午9点", datetime(2026, 4, 8, 10, 0))
    assert value is not None and value.isoformat() == "2026-04-08T09:00:00+08:00"


def test_utc_message_time_is_converted() -> None:
    value = occurred_at("今天上午9点", datetime.fromisoformat("2026-04-08T02:00:00+00:00"))
    assert value is not None and value.isoformat() == "2026-04-08T09:00:00+08:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4月10日18时", "2026-04-10T18:00"),
        ("4月15日", "2026-04-15T23:59"),  # a day without a time: the end of that day
        ("今天20时", "2026-04-08T20:00"),
        ("周五", "2026-04-10T23:59"),  # the coming Friday
        ("11月30日18时", "2026-11-30T18:00"),
        ("1月10日", "2027-01-10T23:59"),  # long past this year: next year
    ],
)
def test_deadline(text: str, expected: str) -> None:
    value = deadline_at(text, SENT_AT)
    assert value is not None and value.isoformat().startswith(expected)


def test_a_bare_hour_is_the_latest_such_moment_already_past() -> None:
    from datetime import datetime

    from gridbot.intents.timewords import occurred_at

    four_pm = datetime.fromisoformat("2026-04-10T16:00:00+08:00")
    assert occurred_at("3点半左右村口有人聚集", four_pm) == datetime.fromisoformat("2026-04-10T15:30:00+08:00")
    assert occurred_at("8点多有人吵架", four_pm) == datetime.fromisoformat("2026-04-10T08:00:00+08:00")
    assert occurred_at("昨天8点有人吵架", four_pm) == datetime.fromisoformat("2026-04-09T08:00:00+08:00")
    assert occurred_at("今天中午有人打架", four_pm) == datetime.fromisoformat("2026-04-10T12:00:00+08:00")
