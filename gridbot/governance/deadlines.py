"""Working time: the one place that says when a limit runs out and when a timed notice may be sent.

Limits count **working time**: the working hours (settings `working_hours`, 08:30–12:00 and 14:00–18:00 by default)
of Chinese working days (statutory holidays off, make-up working days 调休 on, from chinese-calendar). A limit is
written in hours (the catalog's `accept_hours` and `resolve_hours`, the `*_hours` settings, an extension):

- under 24 h it is that many working hours, but never more than one working day (8 h or 12 h = one working day);
- 24 h or more is counted in working days, 24 h to one working day: 72 h is three working days, and a limit set at
  10:00 runs out at 10:00 three working days later.

**Urgent** matters count natural hours instead, nights and holidays included: a warning (预警), an event of an item
the catalog marks as a warning-type item, or an event or directive whose text says 紧急 (不紧急/非紧急 do not count).

**Quiet hours** (settings `quiet_hours`, 21:00–07:30 by default): a reminder or overdue notice of a non-urgent
matter that falls due in them is sent when they end; urgent matters are announced whenever they fall due.

The catalog's `working_days` flag is retired (still read, ignored): it made some items count only working days at
24 h per working day, which is now how every non-urgent limit counts; and urgent items count natural hours whatever
it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from gridbot.clock import SHANGHAI, local
from gridbot.governance.context import Context
from gridbot.intents.catalog import Catalog
from gridbot.settings import Settings, parse_span
from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import Event

NO_TIME = timedelta(0)
SEARCH_DAYS = 3660  # a limit that finds no working time in ten years is a configuration error
URGENT_WORD = re.compile(r"(?<![不非])紧急")

Span = tuple[time, time]


@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    """Statutory holidays and make-up working days included; outside the package's years, Mon–Fri."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def says_urgent(*texts: str | None) -> bool:
    """A text asks for urgency when it says 紧急 (but not 不紧急 or 非紧急)."""
    return any(text and URGENT_WORD.search(text) for text in texts)


def event_is_urgent(catalog: Catalog, event: Event) -> bool:
    """A warning, a warning-type item of the catalog, or an event whose text says 紧急."""
    if event.warning:
        return True
    item = catalog.item(event.item_code) if event.item_code else None
    if item is not None and item.warning:
        return True
    return says_urgent(event.description, event.before)


def directive_is_urgent(directive: Directive) -> bool:
    """A directive whose title or requirements say 紧急. Its item does not decide: a directive is planned work with a
    deadline the department wrote, and a campaign about a warning-type item (燃气安全入户宣传 under 燃气泄漏隐患)
    is no incident."""
    return says_urgent(directive.title, directive.requirements)


def event_limit(ctx: Context, event: Event, start: datetime, hours: float) -> datetime:
    """When a limit of `hours` on the event, set at `start`, runs out (working time unless the event is urgent)."""
    return WorkingTime.of(ctx.settings).add(start, hours, urgent=event_is_urgent(ctx.catalog, event))


@dataclass(frozen=True, slots=True)
class WorkingTime:
    """The working clock of a deployment: its working hours on working days, and its quiet hours (both from the
    settings, which check them)."""

    hours: tuple[Span, ...]
    quiet: Span | None

    @classmethod
    def of(cls, settings: Settings) -> WorkingTime:
        return cls(
            hours=tuple(sorted(parse_span(text) for text in settings.working_hours)),
            quiet=parse_span(settings.quiet_hours) if settings.quiet_hours else None,
        )

    @property
    def day(self) -> timedelta:
        """The working time of one working day (7.5 h by default)."""
        return sum((_length(span) for span in self.hours), NO_TIME)

    def span(self, hours: float) -> timedelta:
        """How much working time a limit of `hours` gives: working hours up to one working day under 24 h, then
        one working day per 24 h."""
        if hours >= 24:
            return self.day * (hours / 24)
        return min(timedelta(hours=hours), self.day)

    def add(self, start: datetime, hours: float, *, urgent: bool) -> datetime:
        """When a limit of `hours` set at `start` runs out: natural hours if urgent, else working time."""
        if urgent:
            return start + timedelta(hours=hours)
        return self.forward(start, self.span(hours))

    # The clock a deadline runs on: natural for urgent matters, working time for the others.

    def advance(self, start: datetime, amount: timedelta, *, urgent: bool) -> datetime:
        return start + amount if urgent else self.forward(start, amount)

    def rewind(self, end: datetime, amount: timedelta, *, urgent: bool) -> datetime:
        return end - amount if urgent else self.backward(end, amount)

    def elapsed(self, start: datetime, end: datetime, *, urgent: bool) -> timedelta:
        return max(end - start, NO_TIME) if urgent else self.between(start, end)

    def notify_at(self, moment: datetime, *, urgent: bool) -> datetime:
        """When a notice due at `moment` is sent: at the end of the quiet hours if it falls in them, unless urgent."""
        if urgent or self.quiet is None or not self.in_quiet(moment):
            return moment
        start, end = self.quiet
        here = local(moment)
        day = here.date() + timedelta(days=1) if start > end and here.time() >= start else here.date()
        return datetime.combine(day, end, SHANGHAI).astimezone(moment.tzinfo)

    def in_quiet(self, moment: datetime) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        clock = local(moment).time()
        return (clock >= start or clock < end) if start > end else start <= clock < end

    # Working-time arithmetic.

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working periods of a day (none on a day off), in Shanghai time."""
        if not is_working_day(day):
            return []
        return [(datetime.combine(day, a, SHANGHAI), datetime.combine(day, b, SHANGHAI)) for a, b in self.hours]

    def forward(self, start: datetime, amount: timedelta) -> datetime:
        """The first moment by which `amount` of working time has passed since `start`."""
        if amount <= NO_TIME:
            return start
        remaining = amount
        moment = local(start)
        for offset in range(SEARCH_DAYS):
            for a, b in self.periods(moment.date() + timedelta(days=offset)):
                if moment >= b:
                    continue
                begin = max(moment, a)
                if remaining <= b - begin:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= b - begin
        raise ValueError("no working time found: check the working_hours setting")

    def backward(self, end: datetime, amount: timedelta) -> datetime:
        """The last moment from which `amount` of working time remains until `end`."""
        if amount <= NO_TIME:
            return end
        remaining = amount
        moment = local(end)
        for offset in range(SEARCH_DAYS):
            for a, b in reversed(self.periods(moment.date() - timedelta(days=offset))):
                if moment <= a:
                    continue
                finish = min(moment, b)
                if remaining <= finish - a:
                    return (finish - remaining).astimezone(end.tzinfo)
                remaining -= finish - a
        raise ValueError("no working time found: check the working_hours setting")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The working time in [start, end)."""
        if end <= start:
            return NO_TIME
        first, last = local(start), local(end)
        total = NO_TIME
        day = first.date()
        while day <= last.date():
            for a, b in self.periods(day):
                overlap = min(b, last) - max(a, first)
                if overlap > NO_TIME:
                    total += overlap
            day += timedelta(days=1)
        return total


def _length(span: Span) -> timedelta:
    a, b = span
    return datetime.combine(date.min, b) - datetime.combine(date.min, a)
