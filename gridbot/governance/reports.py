"""Reports and warnings from the grid (workflow.md §3: level 1, self-resolution, warnings, photos)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gridbot.governance import lookup
from gridbot.governance.context import Context
from gridbot.governance.flow import send_to_center
from gridbot.governance.history import change, close, create
from gridbot.governance.router import Router
from gridbot.intents.catalog import CatalogItem
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices.questions import (
    AskCategory,
    AskCategoryFree,
    BadChoice,
    CategoryChosen,
    NoPermission,
    NoQuestion,
    WrongPlace,
)
from gridbot.notices.reports import (
    AttachReady,
    LocationSet,
    PhotoAttached,
    ReportNeedsAfter,
    ReportNeedsBefore,
    ReportOpen,
    ReportSelfResolved,
    ReportToCenter,
    WarningNotWorker,
    WarningPosted,
    WarningReceived,
)
from gridbot.storage import event_repo, org_repo
from gridbot.storage.models.events import (
    Closure,
    Event,
    EventPhoto,
    EventStatus,
    HolderKind,
    InboxMessage,
    PendingQuestion,
)
from gridbot.storage.models.org import GroupKind, Role

router = Router("reports")

ATTACH_POINTER_LIFETIME = timedelta(hours=2)  # 附图 E12 then the images, usually within minutes


def _grid_of_place(ctx: Context, what: str) -> int | None:
    """The grid of the group the message came from; refuses outside grid groups."""
    if ctx.group is None or ctx.group.kind != GroupKind.GRID or ctx.group.grid_id is None:
        ctx.reply(WrongPlace(action=what))
        return None
    return ctx.group.grid_id


def _new_event(ctx: Context, intent: Intent, grid_id: int, *, source: str) -> Event:
    assert ctx.actor is not None and ctx.group is not None
    fields = intent.fields
    town_id = org_repo.village(ctx.session, org_repo.grid(ctx.session, grid_id).village_id).town_id
    confident = intent.sector is not None and intent.confidence >= ctx.settings.category_confidence_threshold
    event = Event(
        source=source,
        sector=intent.sector,
        item_code=intent.item,
        category_confirmed=confident,
        candidates=list(intent.candidates),
        grid_id=grid_id,
        town_id=town_id,
        reporter_id=ctx.actor.id,
        reported_in_group_id=ctx.group.id,
        inbox_message_id=ctx.message.id if ctx.message else None,
        location=fields.location,
        description=fields.description or intent.body,
        occurred_at=fields.occurred_at,
        persons=list(fields.persons),
        phones=list(fields.phones),
        id_numbers=list(fields.id_numbers),
        before=fields.before,
        after=fields.after,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    action = "report" if source != "warning" else "warning"
    return create(ctx, event, action, note=event.description, sector=event.sector, item=event.item_code, level=1)


def _ask_category(ctx: Context, event: Event) -> None:
    """Records the event anyway and asks the reporter to pick one of the candidate sectors."""
    assert ctx.actor is not None and event.id is not None
    options = list(event.candidates[:3])
    ctx.session.add(
        PendingQuestion(
            person_id=ctx.actor.id,
            group_id=ctx.group.id if ctx.group else None,
            kind="category",
            event_id=event.id,
            options=options,
            asked_at=ctx.now,
        )
    )
    ctx.reply(AskCategory(ref=event.ref, options=options))


def _mention_grid_worker(ctx: Context, grid_id: int) -> list[int]:
    """The grid's 专职网格员 are @-mentioned when someone else reports in the grid."""
    assert ctx.actor is not None
    workers = lookup.grid_worker_ids(ctx.session, grid_id)
    return [] if ctx.actor.id in workers else workers


@router.handles(IntentKind.REPORT)
def report(ctx: Context, intent: Intent) -> None:
    grid_id = _grid_of_place(ctx, "上报事件")
    if grid_id is None or ctx.actor is None:
        return
    if not lookup.is_grid_force(ctx, grid_id):
        ctx.reply(NoPermission(action="在本网格上报事件"))
        return
    event = _new_event(ctx, intent, grid_id, source="report")
    mentions = _mention_grid_worker(ctx, grid_id)
    halves = (event.before is not None, event.after is not None)
    if intent.self_resolved:
        close(ctx, event, "self_resolve", Closure.SELF)
        ctx.reply(ReportSelfResolved(ref=event.ref, sector=event.sector or "待分类"), mentions=mentions)
    elif intent.asks_center:
        send_to_center(ctx, event, note=event.description)
        town = org_repo.town(ctx.session, event.town_id).name
        ctx.reply(ReportToCenter(ref=event.ref, sector=event.sector or "待分类", center=town), mentions=mentions)
    elif halves == (True, False):
        ctx.reply(ReportNeedsAfter(ref=event.ref), mentions=mentions)
    elif halves == (False, True):
        ctx.reply(ReportNeedsBefore(ref=event.ref), mentions=mentions)
    else:
        ctx.reply(ReportOpen(ref=event.ref, sector=event.sector or "待分类"), mentions=mentions)
    if not event.category_confirmed:
        if event.candidates:
            _ask_category(ctx, event)
        else:
            ctx.reply(AskCategoryFree(ref=event.ref))


@router.handles(IntentKind.WARNING)
def warning(ctx: Context, intent: Intent) -> None:
    """预警直报: only the grid's 专职网格员; straight into both center queues at once."""
    grid_id = _grid_of_place(ctx, "预警直报")
    if grid_id is None or ctx.actor is None:
        return
    if not ctx.actor.holds(Role.GRID_WORKER, grid_id=grid_id):
        ctx.reply(WarningNotWorker(), mentions=lookup.grid_worker_ids(ctx.session, grid_id))
        return
    event = _new_event(ctx, intent, grid_id, source="warning")
    late_after = timedelta(hours=ctx.settings.warning_late_hours)
    late = event.occurred_at is not None and ctx.now - event.occurred_at > late_after
    change(
        ctx,
        event,
        "direct_report",
        status=EventStatus.PENDING,
        warning=True,
        late=late,
        level=2,
        holder_kind=HolderKind.TOWN_CENTER,
        flags=[*event.flags, "迟报"] if late else event.flags,
    )
    grid = org_repo.grid(ctx.session, grid_id)
    params: dict[str, Any] = {
        "ref": event.ref,
        "grid": grid.name,
        "sector": event.sector or "待分类",
        "location": event.location or "",
        "description": event.description,
        "reporter": ctx.actor.person.name,
        "late": late,
    }
    ctx.post(lookup.town_center_group(ctx.session, event.town_id), WarningPosted(**params))
    ctx.post(lookup.district_center_group(ctx.session, event.town_id), WarningPosted(**params))
    ctx.reply(WarningReceived(ref=event.ref, late=late))
    if not event.category_confirmed and event.candidates:
        _ask_category(ctx, event)


def open_question(ctx: Context, kind: str) -> PendingQuestion | None:
    """The sender's latest unanswered question of that kind (in this group for category questions)."""
    if ctx.actor is None:
        return None
    group_id = ctx.group.id if kind == "category" and ctx.group is not None else None
    return event_repo.open_question(ctx.session, ctx.actor.id, kind, group_id)


def best_item(ctx: Context, sector: str, text: str) -> CatalogItem | None:
    """The sector's item whose keywords the text hits most (ties: catalog order)."""
    found = ctx.catalog.sector(sector)
    if found is None or not found.items:
        return None
    scored = [(sum(len(k) for k in item.keywords if k in text), -index, item) for index, item in enumerate(found.items)]
    score, _, item = max(scored, key=lambda entry: (entry[0], entry[1]))
    return item if score > 0 else None


@router.handles(IntentKind.CHOOSE)
def choose(ctx: Context, intent: Intent) -> None:
    question = open_question(ctx, "category")
    choice = intent.fields.choice
    if question is None or question.event_id is None:
        ctx.reply(NoQuestion())
        return
    if choice is None or not 1 <= choice <= len(question.options):
        ctx.reply(BadChoice(count=len(question.options)))
        return
    event = ctx.session.get(Event, question.event_id)
    assert event is not None
    sector = question.options[choice - 1]
    item = best_item(ctx, sector, event.description)
    change(
        ctx,
        event,
        "choose_category",
        sector=sector,
        item_code=item.code if item else None,
        category_confirmed=True,
    )
    question.answered_at = ctx.now
    ctx.session.add(question)
    ctx.reply(CategoryChosen(ref=event.ref, sector=sector))


@router.handles(IntentKind.ATTACH)
def attach(ctx: Context, intent: Intent) -> None:
    """附图 E12: the sender's next images belong to E12."""
    event = lookup.event_by_ref(ctx, intent.ref)
    if event is None or ctx.actor is None or event.id is None:
        return
    if ctx.actor.id != event.reporter_id and not lookup.is_grid_force(ctx, event.grid_id):
        ctx.reply(NoPermission(action=f"给 {event.ref} 补图"))
        return
    ctx.session.add(
        PendingQuestion(person_id=ctx.actor.id, group_id=None, kind="attach", event_id=event.id, asked_at=ctx.now)
    )
    ctx.reply(AttachReady(ref=event.ref))


def photo_target(ctx: Context) -> Event | None:
    """Where an image belongs: the event named by 附图, else the sender's report in this group within the window."""
    if ctx.actor is None:
        return None
    window = timedelta(minutes=ctx.settings.photo_window_minutes)
    pointer = open_question(ctx, "attach")
    if pointer is not None and pointer.event_id is not None and ctx.now - pointer.asked_at <= ATTACH_POINTER_LIFETIME:
        return ctx.session.get(Event, pointer.event_id)
    after_done = open_question(ctx, "attach_after")
    if after_done is not None and after_done.event_id is not None and ctx.now - after_done.asked_at <= window:
        return ctx.session.get(Event, after_done.event_id)
    if ctx.group is None or ctx.group.id is None:
        return None
    latest = event_repo.latest_report_by(ctx.session, ctx.actor.id, ctx.group.id)
    if latest is not None and ctx.now - latest.created_at <= window:
        return latest
    return None


def receive_image(ctx: Context, message: InboxMessage) -> None:
    """An image message: attached to its event (and acknowledged), or kept as chat (no answer)."""
    event = photo_target(ctx)
    if event is None or event.id is None or message.id is None:
        return
    ctx.session.add(
        EventPhoto(
            event_id=event.id,
            inbox_message_id=message.id,
            person_id=ctx.actor.id if ctx.actor else None,
            at=ctx.now,
        )
    )
    ctx.session.flush()
    count = event_repo.photo_count(ctx.session, event.id)
    change(ctx, event, "photo", note=f"照片 {count} 张")
    ctx.reply(PhotoAttached(ref=event.ref, count=count))


def receive_location(ctx: Context, message: InboxMessage) -> None:
    """A location message right after a report sets its coordinates."""
    if ctx.actor is None or ctx.group is None or ctx.group.id is None:
        return
    latest = event_repo.latest_report_by(ctx.session, ctx.actor.id, ctx.group.id)
    window = timedelta(minutes=ctx.settings.photo_window_minutes)
    if latest is None or ctx.now - latest.created_at > window:
        return
    payload = message.payload
    label = str(payload.get("label") or "")
    change(
        ctx,
        latest,
        "location",
        latitude=float(payload.get("lat", 0.0)),
        longitude=float(payload.get("lng", 0.0)),
        location=latest.location or label or None,
    )
    ctx.reply(LocationSet(ref=latest.ref, label=label))
