"""Small pieces of wording that many notices share: moments, optional lines, durations, shares."""

from __future__ import annotations

from datetime import datetime

from gridbot.clock import local


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    moment = local(moment)
    return f"{moment.month}月{moment.day}日{moment.hour:02d}:{moment.minute:02d}"


def line(label: str, value: object) -> str:
    """`\\n标签：值`, or nothing when there is no value."""
    return f"\n{label}：{value}" if value not in (None, "", [], ()) else ""


def hours_text(hours: float) -> str:
    return f"{hours / 24:g}天" if hours >= 24 and hours % 24 == 0 else f"{hours:g}小时"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def age(since: datetime, now: datetime) -> str:
    """How long something has waited, roughly: 20分钟, 5小时, 3天."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes}分钟"
    if minutes < 24 * 60:
        return f"{minutes // 60}小时"
    return f"{minutes // (24 * 60)}天"
