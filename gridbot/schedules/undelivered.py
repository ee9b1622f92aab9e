"""The hourly alert about parked messages: a row the sender gave up on is kept, listed by `gridbot outbox`, and
told to the center that the group belongs to, once an hour while any is parked (not in the quiet hours)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from gridbot.clock import local
from gridbot.governance.context import Context
from gridbot.governance.deadlines import WorkingTime
from gridbot.notices.delivery import ParkedGroup, UndeliveredMessages
from gridbot.storage import org_repo, timing_repo
from gridbot.storage.models.org import Group, GroupKind
from gridbot.storage.models.timing import JobRun
from gridbot.storage.outbox_repo import parked_by_group

JOB = "undelivered_alert"


def alert_parked(ctx: Context, moment: datetime) -> None:
    session = ctx.session
    if WorkingTime.of(ctx.settings).in_quiet(moment):
        return
    hour = f"{local(moment):%Y-%m-%dT%H}"
    if timing_repo.job_run(session, JOB, hour) is not None:
        return
    summaries = parked_by_group(session)
    if not summaries:
        return
    by_center: dict[int, list[ParkedGroup]] = {}
    for summary in summaries:
        center = _center_for(session, session.get(Group, summary.group_id) if summary.group_id else None)
        if center is None or center.id is None:
            continue
        by_center.setdefault(center.id, []).append(
            ParkedGroup(summary.conversation, summary.count, summary.oldest, summary.last_error)
        )
    for center_id, groups in by_center.items():
        ctx.post(session.get(Group, center_id), UndeliveredMessages(tuple(groups)))
    session.add(JobRun(job=JOB, period=hour, ran_at=moment))


def _center_for(session: Session, group: Group | None) -> Group | None:
    """The center group that looks after a group: its town's center, or the district's for district groups."""
    town_id = _town_of(session, group) if group is not None else None
    if town_id is not None:
        found = org_repo.group_of(session, GroupKind.TOWN_CENTER, town_id=town_id)
        if found is not None:
            return found
        district_id = org_repo.district_of_town(session, town_id).id
    else:
        district_id = group.district_id if group is not None else None
    if district_id is not None:
        return org_repo.group_of(session, GroupKind.DISTRICT_CENTER, district_id=district_id)
    return org_repo.group_of(session, GroupKind.DISTRICT_CENTER)


def _town_of(session: Session, group: Group) -> int | None:
    if group.town_id is not None:
        return group.town_id
    if group.grid_id is not None:
        return org_repo.village(session, org_repo.grid(session, group.grid_id).village_id).town_id
    if group.department_id is not None:
        return org_repo.department(session, group.department_id).town_id
    return None
