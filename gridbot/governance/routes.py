"""All intent handlers, joined in one router (each feature module keeps its own)."""

from __future__ import annotations

from gridbot.governance import acknowledge, checks, directives, flow, queries, reporter, reports
from gridbot.governance.router import Router

ROUTER = Router("gridbot")
ROUTER.include(
    reports.router,
    flow.router,
    acknowledge.router,
    reporter.router,
    checks.router,
    queries.router,
    directives.router,
)
