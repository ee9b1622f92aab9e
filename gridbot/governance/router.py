"""Intent handlers registered per feature module, first match wins (in the manner of aiogram's routers)."""

from __future__ import annotations

from collections.abc import Callable

from gridbot.governance.context import Context
from gridbot.intents.model import Intent, IntentKind

Handler = Callable[[Context, Intent], None]


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: dict[IntentKind, Handler] = {}

    def handles(self, *kinds: IntentKind) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for kind in kinds:
                if kind in self.handlers:
                    raise ValueError(f"{kind} already handled in router {self.name}")
                self.handlers[kind] = handler
            return handler

        return register

    def include(self, *routers: Router) -> None:
        for router in routers:
            for kind, handler in router.handlers.items():
                if kind in self.handlers:
                    raise ValueError(f"{kind} handled twice ({router.name})")
                self.handlers[kind] = handler

    def handler_for(self, kind: IntentKind) -> Handler | None:
        return self.handlers.get(kind)
