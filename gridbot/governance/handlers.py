"""The registry of command handlers: each service module registers one handler per command type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from gridbot.governance.commands import Command
from gridbot.governance.context import Context

C = TypeVar("C", bound=Command)
Handler = Callable[[Context, Any], None]
HANDLERS: dict[type[Command], Handler] = {}


def handles(kind: type[C]) -> Callable[[Callable[[Context, C], None]], Callable[[Context, C], None]]:
    def register(handler: Callable[[Context, C], None]) -> Callable[[Context, C], None]:
        if kind in HANDLERS:
            raise ValueError(f"{kind.__name__} is handled twice")
        HANDLERS[kind] = handler
        return handler

    return register
