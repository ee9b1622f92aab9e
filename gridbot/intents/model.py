"""The parser's result: frozen value objects and their JSON form (`gridbot parse`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class IntentKind(StrEnum):
    """What a message asks the bot to do (messages.md, table of intents)."""

    REPORT = "report"
    WARNING = "warning"
    ESCALATE = "escalate"
    DISPATCH = "dispatch"
    ESCALATE_DISTRICT = "escalate_district"
    ACCEPT = "accept"
    RETURN = "return"
    COORDINATE = "coordinate"
    PROGRESS = "progress"
    RESOLVE = "resolve"
    VERIFY = "verify"
    APPROVE = "approve"
    EXTEND = "extend"
    CORRECT = "correct"
    WITHDRAW = "withdraw"
    ATTACH = "attach"
    CHECK = "check"
    RATE = "rate"
    QUERY = "query"
    HELP = "help"
    DIRECTIVE = "directive"
    CHOOSE = "choose"
    STATS = "stats"
    DECLINE = "decline"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Fields:
    """Everything a message says besides its kind and reference; unknown values stay None or empty."""

    location: str | None = None
    description: str | None = None
    occurred_at: datetime | None = None
    persons: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    before: str | None = None
    after: str | None = None
    department: str | None = None
    reason: str | None = None
    verdict: str | None = None
    duration_hours: float | None = None
    category: str | None = None
    choice: int | None = None
    title: str | None = None
    directive_kind: str | None = None
    targets: tuple[str, ...] = ()
    requirements: str | None = None
    deadline: datetime | None = None
    source: str | None = None
    period: str | None = None  # STATS: "day" | "week" | "month"

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "description": self.description,
            "occurred_at": _iso(self.occurred_at),
            "persons": list(self.persons),
            "phones": list(self.phones),
            "id_numbers": list(self.id_numbers),
            "before": self.before,
            "after": self.after,
            "department": self.department,
            "reason": self.reason,
            "verdict": self.verdict,
            "duration_hours": self.duration_hours,
            "category": self.category,
            "choice": self.choice,
            "title": self.title,
            "directive_kind": self.directive_kind,
            "targets": list(self.targets),
            "requirements": self.requirements,
            "deadline": _iso(self.deadline),
            "source": self.source,
            "period": self.period,
        }


@dataclass(frozen=True, slots=True)
class Intent:
    """One parsed message. `refs` are every reference next to the command, in order and normalised ("E12",
    "D3"); `ref` is the first of them (either may be given, the other follows). `candidates` are sectors, best
    first. `hint` is only set on a `none` that was clearly meant for the bot: the form to type instead."""

    kind: IntentKind
    ref: str | None = None
    sector: str | None = None
    item: str | None = None
    candidates: tuple[str, ...] = ()
    confidence: float = 0.0
    self_resolved: bool = False
    asks_center: bool = False
    fields: Fields = field(default_factory=Fields)
    body: str = ""
    refs: tuple[str, ...] = ()
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.refs and self.ref is None:
            object.__setattr__(self, "ref", self.refs[0])
        elif self.ref is not None and not self.refs:
            object.__setattr__(self, "refs", (self.ref,))
        elif self.ref is not None and self.refs[0] != self.ref:  # `ref` given anew (dataclasses.replace) wins
            object.__setattr__(self, "refs", (self.ref, *(r for r in self.refs if r != self.ref)))

    def to_json(self) -> dict[str, Any]:
        """The `gridbot parse` output line (messages.md), plus a few extra keys."""
        return {
            "intent": self.kind.value,
            "ref": self.ref,
            "refs": list(self.refs),
            "sector": self.sector,
            "item": self.item,
            "candidates": list(self.candidates),
            "confidence": round(self.confidence, 3),
            "self_resolved": self.self_resolved,
            "asks_center": self.asks_center,
            "fields": self.fields.to_json(),
            "body": self.body,
            "hint": self.hint,
        }


NONE_INTENT = Intent(kind=IntentKind.NONE)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
