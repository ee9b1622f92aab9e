"""The governance service layer: `(actor, place, command, now) → Outcome`, the one door to the rules.

Chat (`governance.conversation`), the console and the CLI build a command and call `Governance.execute`; each
command's handler (registered with `handlers.handles` in the feature modules imported below) checks the permission
table first, then changes state with its history and returns typed notices. Nothing is committed here: the caller
owns the transaction and writes the outcome's notices to the outbox in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

# Feature modules register their handlers on import.
from gridbot.governance import (  # noqa: F401
    checks,
    corrections,
    directive_issue,
    directive_review,
    directive_tasks,
    flow,
    records,
    reports,
    views,
)
from gridbot.governance.actors import Actor, Place
from gridbot.governance.commands import Command
from gridbot.governance.context import Context
from gridbot.governance.deadlines import WorkingTime
from gridbot.governance.handlers import HANDLERS
from gridbot.intents.catalog import Catalog
from gridbot.notices import Addressed, Notice
from gridbot.settings import Settings

N = TypeVar("N", bound=Notice)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command produced: the notices to send (answers to the caller, posts into groups)."""

    notices: tuple[Addressed, ...]

    def answers(self) -> Iterator[Notice]:
        return (n.notice for n in self.notices if n.reply)

    def answer(self, kind: type[N]) -> N | None:
        """The first answer of that kind (e.g. the RecordsImported counts an import returns)."""
        return next((n for n in self.answers() if isinstance(n, kind)), None)


def run(ctx: Context, command: Command) -> None:
    """Run one command in an existing context (its notices join the context's)."""
    HANDLERS[type(command)](ctx, command)


class Governance:
    """The rules over one unit of work (a session) with the deployment's settings and catalog."""

    def __init__(self, session: Session, settings: Settings, catalog: Catalog) -> None:
        self.session = session
        self.settings = settings
        self.catalog = catalog

    def context(self, actor: Actor, place: Place, now: datetime, *, source_message_id: int | None = None) -> Context:
        return Context(
            session=self.session,
            settings=self.settings,
            catalog=self.catalog,
            now=now,
            actor=actor,
            place=place,
            source_message_id=source_message_id,
            quiet=WorkingTime.of(self.settings).in_quiet(now),
        )

    def execute(
        self, actor: Actor, place: Place, command: Command, now: datetime, *, source_message_id: int | None = None
    ) -> Outcome:
        ctx = self.context(actor, place, now, source_message_id=source_message_id)
        run(ctx, command)
        return Outcome(tuple(ctx.notices))
