"""The state machines of events, directives and directive tasks, declared as data.

Each transition names an action, the statuses it may start from, the status it leads to (None: the status stays)
and an optional guard on the subject. Services ask `allows` before they act; the history writer asks `target`
when it records the change, so a change the table does not declare cannot be written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gridbot.storage.models.directives import DirectiveStatus, TaskStatus
from gridbot.storage.models.events import EventStatus

NEW = None  # the "from" of a creation


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    sources: frozenset[str | None]
    target: str | None  # None: the status stays as it is
    guard: Callable[[Any], bool] | None = None
    guard_text: str = ""  # the guard in words, for the docs


class UndeclaredTransition(Exception):
    """A change the machine does not declare: a programming error, never a user's mistake."""


class Machine:
    def __init__(self, name: str, transitions: Iterable[Transition]) -> None:
        self.name = name
        self.transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.action in self.transitions:
                raise ValueError(f"{name}: {transition.action} declared twice")
            self.transitions[transition.action] = transition

    def allows(self, subject: Any, action: str) -> bool:
        """The action may start from the subject's status (and its guard holds)."""
        transition = self.transitions.get(action)
        if transition is None or getattr(subject, "status", None) not in transition.sources:
            return False
        return transition.guard is None or transition.guard(subject)

    def target(self, status: str | None, action: str) -> str | None:
        """The status after `action` from `status`; raises for a change the table does not declare."""
        transition = self.transitions.get(action)
        if transition is None or status not in transition.sources:
            raise UndeclaredTransition(f"{self.name}: {action} from {status}")
        return transition.target if transition.target is not None else status


def _t(
    action: str,
    sources: Iterable[str | None],
    target: str | None = None,
    guard: Callable[[Any], bool] | None = None,
    guard_text: str = "",
) -> Transition:
    return Transition(action, frozenset(sources), target, guard, guard_text)


E = EventStatus
LIVE = (E.OPEN, E.PENDING, E.DISPATCHED, E.ACCEPTED)
NOT_FINAL = (*LIVE, E.RESOLVED)
ANY_EVENT = (*NOT_FINAL, E.CLOSED, E.WITHDRAWN, E.DELETED)
COUNTED = (*NOT_FINAL, E.CLOSED)  # every status but withdrawn and deleted


def _level_one(event: Any) -> bool:
    return bool(event.level == 1)


def _below_district(event: Any) -> bool:
    return bool(event.level < 3)


def _closed_on_coordination(event: Any) -> bool:
    return bool(event.closure == "coordination")


EVENT = Machine(
    "event",
    [
        _t("report", [NEW], E.OPEN),
        _t("warning", [NEW], E.OPEN),
        _t("directive_task", [NEW], E.OPEN),
        _t("import", [NEW], E.OPEN),
        _t("direct_report", [E.OPEN], E.PENDING),
        _t("self_resolve", [E.OPEN], E.CLOSED, _level_one, "一级"),
        _t("escalate", [E.OPEN], E.PENDING, _level_one, "一级"),
        _t("dispatch", [E.PENDING], E.DISPATCHED),
        _t("accept", [E.DISPATCHED], E.ACCEPTED),
        _t("coordination", [E.OPEN, E.ACCEPTED], E.CLOSED),
        _t("return", [E.DISPATCHED, E.ACCEPTED], E.PENDING),
        _t("resolve", [E.ACCEPTED], E.RESOLVED),
        _t("verify_pass", [E.RESOLVED], E.CLOSED),
        _t("verify_fail", [E.RESOLVED], E.ACCEPTED),
        _t("warning_true", COUNTED),
        _t("warning_false", COUNTED, E.CLOSED),
        _t("escalate_district", [E.OPEN, E.PENDING, E.RESOLVED], E.PENDING, _below_district, "未到三级"),
        _t("extension_requested", [E.DISPATCHED, E.ACCEPTED]),
        _t("extension_approved", [E.OPEN, E.DISPATCHED, E.ACCEPTED]),
        _t("extension_declined", [E.OPEN, E.DISPATCHED, E.ACCEPTED]),
        _t("correct", [E.OPEN, E.PENDING, E.DISPATCHED]),
        _t("withdraw", [E.OPEN], E.WITHDRAWN, _level_one, "一级"),
        _t("check_pass", [E.CLOSED]),
        _t("check_fail", [E.CLOSED], E.DELETED),
        _t("progress", NOT_FINAL),
        # Closed on entering coordination, the matter still goes on: the department adds what it did.
        _t("supplement", [E.CLOSED], None, _closed_on_coordination, "按协调办结的事件"),
        _t("rate", ANY_EVENT),
        _t("photo", ANY_EVENT),
        _t("location", ANY_EVENT),
        _t("choose_category", ANY_EVENT),
        _t("flag", LIVE),
        _t("task_acknowledged", [E.OPEN]),
        _t("task_done", [E.OPEN], E.CLOSED),
    ],
)

D = DirectiveStatus
DIRECTIVE = Machine(
    "directive",
    [
        _t("create", [NEW], D.PENDING_REVIEW),
        _t("auto_return", [D.PENDING_REVIEW], D.RETURNED),
        _t("approve", [D.PENDING_REVIEW]),  # one center of the review chain approved; the next one reviews
        _t("dispatch", [D.PENDING_REVIEW], D.DISPATCHED),
        _t("return", [D.PENDING_REVIEW], D.RETURNED),
        _t("complete_all", [D.DISPATCHED], D.COMPLETED),
    ],
)

T = TaskStatus
OPEN_TASK = (T.DISPATCHED, T.ACKNOWLEDGED)
TASK = Machine(
    "task",
    [
        _t("task_created", [NEW], T.DISPATCHED),
        _t("acknowledge", [T.DISPATCHED], T.ACKNOWLEDGED),
        _t("complete", OPEN_TASK, T.DONE),
        _t("progress", OPEN_TASK),
        _t("extension_requested", OPEN_TASK),
        _t("extension_approved", OPEN_TASK),
        _t("extension_declined", OPEN_TASK),
        _t("overdue", OPEN_TASK),
    ],
)

MACHINES = (EVENT, DIRECTIVE, TASK)
