"""Digests (日报/周报/月报) to the leaders groups and the monthly ranking (排名), as notices."""

from __future__ import annotations

import logging
from datetime import timedelta

from gridbot.governance.context import Context
from gridbot.governance.scores import ranking
from gridbot.governance.timing import overdue_at_centers
from gridbot.notices.digests import Ranking, digest
from gridbot.periods import Period
from gridbot.schedules.charts import sector_chart
from gridbot.storage import org_repo
from gridbot.storage.models.org import GroupKind
from gridbot.storage.stats import digest_figures

log = logging.getLogger(__name__)

DIGEST_NAMES = {"daily": "日报", "weekly": "周报", "monthly": "月报"}


def send_digest(ctx: Context, kind: str, period: Period) -> None:
    silent_since = period.end - timedelta(days=ctx.settings.silent_grid_days)
    at_center, in_review = overdue_at_centers(ctx)
    for group, town_ids, place in org_repo.leaders_groups(ctx.session):
        figures = digest_figures(
            ctx.session,
            town_ids=town_ids,
            start=period.start,
            end=period.end,
            silent_since=silent_since,
            now=ctx.now,
            overdue_at_center=at_center,
            overdue_in_review=in_review,
        )
        chart = sector_chart(f"{place}{period.label}事件（按大类）", figures.by_sector)
        ctx.post(
            group,
            digest(figures, name=DIGEST_NAMES[kind], place=place, period=period.label, chart=chart),
        )


def send_ranking(ctx: Context, period: Period) -> None:
    """排名: posted on the 1st to each town's leaders and center groups (and the district's, for all towns)."""
    for group, town_ids, place in org_repo.leaders_groups(ctx.session):
        rows = [row for town_id in sorted(town_ids) for row in ranking(ctx.session, period.key, town_id=town_id)]
        rows.sort(key=lambda r: (-r.score, r.name))
        lines = _ranked([(r.name, r.grid, r.score) for r in rows])
        ctx.post(group, Ranking(place=place, period=period.label, rows=lines))
        if group.kind == GroupKind.TOWN_LEADERS and group.town_id is not None:
            center = org_repo.group_of(ctx.session, GroupKind.TOWN_CENTER, town_id=group.town_id)
        elif group.district_id is not None:
            center = org_repo.group_of(ctx.session, GroupKind.DISTRICT_CENTER, district_id=group.district_id)
        else:
            center = None
        if center is not None:
            ctx.post(center, Ranking(place=place, period=period.label, rows=lines))


def _ranked(rows: list[tuple[str, str, float]]) -> list[tuple[int, str, str, float]]:
    """Number rows sorted best first; equal scores share a rank (1, 2, 2, 4)."""
    ranked: list[tuple[int, str, str, float]] = []
    for index, (name, grid, score) in enumerate(rows, start=1):
        rank = ranked[-1][0] if ranked and ranked[-1][3] == score else index
        ranked.append((rank, name, grid, score))
    return ranked
