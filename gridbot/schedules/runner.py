"""Due work as functions of (store, now): the scheduler and the scenario runner drive the same jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from gridbot.settings import Settings


class DueWork:
    """The jobs of workflow.md §5–6. Until they exist (issue 6) there is nothing due."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def next_due(self, after: datetime, until: datetime) -> datetime | None:
        """The first moment in (after, until] at which some job falls due."""
        return None

    def run(self, moment: datetime) -> None:
        """Run every job due at `moment` (idempotent per job and period)."""
        return None
