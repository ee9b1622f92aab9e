"""Pacing: how many POSTs a target (a robot key, a chat, a room) may take, counted per POST, not per message.

The rule is a rolling window with a small burst: at most `limit` POSTs in any `window` seconds, and at most
`burst` of them in any `window × burst / limit` seconds (with WeCom's robot, 20 a minute and 5 in any 15 s), so a
busy group gets its first answers at once and then one every few seconds, and never a 45009. Nothing starts
"full": the window remembers what was posted, so a restart cannot send a second minute's worth at once.

`DatabasePacer` (bot/pacing_db.py) keeps the posts in the database, so that several processes share one budget
per target and a restart remembers the last minute.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Budget:
    """`limit` POSTs per `window` seconds with a burst of `burst` (burst ≥ limit means no burst rule)."""

    limit: int
    window: float = 60.0
    burst: int = 0

    @property
    def burst_window(self) -> float:
        return self.window * self.burst / self.limit if 0 < self.burst < self.limit else 0.0


def wait_before_post(posted: Sequence[float], now: float, budget: Budget) -> float:
    """Seconds to wait before the next POST, given the times (ascending) of the posts already made (0: go now)."""
    wait = _window_wait(posted, now, budget.window, budget.limit)
    if budget.burst_window > 0:
        wait = max(wait, _window_wait(posted, now, budget.burst_window, budget.burst))
    return wait


def _window_wait(posted: Sequence[float], now: float, window: float, limit: int) -> float:
    recent = [t for t in posted if t > now - window]
    if len(recent) < limit:
        return 0.0
    # The post that must leave the window before one more fits.
    leaving = recent[len(recent) - limit]
    return max(leaving + window - now, 0.0) or 1e-3


class Pacer(Protocol):
    def admit(self, channel: str, target: str) -> float:
        """0 and the POST is counted, or the seconds to wait before asking again (nothing counted)."""
        ...

    def hold(self, channel: str, target: str, seconds: float) -> None:
        """The platform said "too many" (45009): count the target as full for `seconds`."""
        ...


Budgets = Callable[[str], Budget | None]
"""The budget of a channel kind (None: unpaced)."""
