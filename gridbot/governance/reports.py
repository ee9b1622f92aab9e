"""Reports and warnings from the grid (workflow.md §3: level 1, self-resolution, warnings, photos)."""

from __future__ import annotations

from datetime import timedelta

from gridbot.governance import lookup, scopes
from gridbot.governance.commands import AddPhoto, Attach, ChooseCategory, EventDraft, Report, SetLocation, Warn
from gridbot.governance.context import Context
from gridbot.governance.deadlines import event_is_urgent
from gridbot.governance.flow import send_to_center
from gridbot.governance.handlers import handles
from gridbot.governance.history import change, close, create
from gridbot.governance.permissions import Action
from gridbot.governance.queue import enter_center_queue
from gridbot.governance.refusals import require
from gridbot.intents.catalog import CatalogItem
from gridbot.notices.forms import form
from gridbot.notices.questions import (
    AskCategory,
    AskCategoryFree,
    BadChoice,
    CategoryChosen,
    NoQuestion,
    WrongPlace,
)
from gridbot.notices.reports import (
    AttachReady,
    LocationSet,
    PhotoAttached,
    ReportNeedsAfter,
    ReportNeedsBefore,
    ReportNeedsContent,
    ReportOpen,
    ReportSelfResolved,
    ReportToCenter,
    WarningNotWorker,
    WarningPosted,
    WarningReceived,
    photo_note,
)
from gridbot.storage import event_repo, org_repo, photo_repo
from gridbot.storage.models.events import Closure, Event, EventPhoto, PendingQuestion, PhotoState

ATTACH_POINTER_LIFETIME = timedelta(hours=2)  # 附图 E12 then the images, usually within minutes


def _grid_here(ctx: Context, what: str, action: Action) -> int | None:
    """The grid of the group the message came from; refuses outside grid groups."""
    if not ctx.place.is_grid:
        ctx.reply(WrongPlace(action=what, form=form(action.value)))
        return None
    return ctx.place.grid_id


def _new_event(ctx: Context, draft: EventDraft, grid_id: int, *, source: str) -> Event:
    town_id = org_repo.village(ctx.session, org_repo.grid(ctx.session, grid_id).village_id).town_id
    confident = draft.sector is not None and draft.confidence >= ctx.settings.category_confidence_threshold
    event = Event(
        source=source,
        sector=draft.sector,
        item_code=draft.item,
        category_confirmed=confident,
        candidates=list(draft.candidates),
        grid_id=grid_id,
        town_id=town_id,
        reporter_id=ctx.actor.id,
        reported_in_group_id=ctx.place.group_id,
        inbox_message_id=ctx.source_message_id,
        location=draft.location,
        description=draft.description,
        occurred_at=draft.occurred_at,
        persons=list(draft.persons),
        phones=list(draft.phones),
        id_numbers=list(draft.id_numbers),
        before=draft.before,
        after=draft.after,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    action = "report" if source != "warning" else "warning"
    return create(ctx, event, action, note=event.description, sector=event.sector, item=event.item_code, level=1)


def _ask_category(ctx: Context, event: Event) -> None:
    """Records the event anyway and asks the reporter to pick one of the candidate sectors."""
    assert event.id is not None
    options = list(event.candidates[:3])
    ctx.session.add(
        PendingQuestion(
            person_id=ctx.actor.id,
            group_id=ctx.place.group_id,
            kind="category",
            event_id=event.id,
            options=options,
            asked_at=ctx.now,
        )
    )
    ctx.reply(AskCategory(ref=event.ref, options=options))


def _mention_grid_worker(ctx: Context, grid_id: int) -> list[int]:
    """The grid's 专职网格员 are @-mentioned when someone else reports in the grid."""
    workers = lookup.grid_worker_ids(ctx.session, grid_id)
    return [] if ctx.actor.id in workers else workers


@handles(Report)
def report(ctx: Context, command: Report) -> None:
    grid_id = _grid_here(ctx, "上报事件", Action.EVENT_REPORT)
    if grid_id is None:
        return
    if not require(ctx, Action.EVENT_REPORT, scopes.of_grid(ctx.session, grid_id), "在本网格上报事件"):
        return
    if command.draft.empty:
        ctx.reply(ReportNeedsContent(asks_center=command.asks_center))
        return
    event = _new_event(ctx, command.draft, grid_id, source="report")
    mentions = _mention_grid_worker(ctx, grid_id)
    urgent = event_is_urgent(ctx.catalog, event)
    halves = (event.before is not None, event.after is not None)
    if command.self_resolved:
        close(ctx, event, "self_resolve", Closure.SELF)
        ctx.reply(ReportSelfResolved(ref=event.ref, sector=event.sector or "待分类"), mentions=mentions, urgent=urgent)
    elif command.asks_center:
        send_to_center(ctx, event, note=event.description)
        town = org_repo.town(ctx.session, event.town_id).name
        ctx.reply(
            ReportToCenter(ref=event.ref, sector=event.sector or "待分类", center=town),
            mentions=mentions,
            urgent=urgent,
        )
    elif halves == (True, False):
        ctx.reply(ReportNeedsAfter(ref=event.ref), mentions=mentions, urgent=urgent)
    elif halves == (False, True):
        ctx.reply(ReportNeedsBefore(ref=event.ref), mentions=mentions, urgent=urgent)
    else:
        ctx.reply(ReportOpen(ref=event.ref, sector=event.sector or "待分类"), mentions=mentions, urgent=urgent)
    if not event.category_confirmed:
        if event.candidates:
            _ask_category(ctx, event)
        else:
            ctx.reply(AskCategoryFree(ref=event.ref))
    _photos_sent_before(ctx, event)


@handles(Warn)
def warning(ctx: Context, command: Warn) -> None:
    """预警直报: only the grid's 专职网格员; straight into both center queues at once."""
    grid_id = _grid_here(ctx, "预警直报", Action.EVENT_WARN)
    if grid_id is None:
        return
    refusal = WarningNotWorker()
    if not ctx.permits(Action.EVENT_WARN, scopes.of_grid(ctx.session, grid_id)):
        # a warning waits for no morning: the 专职网格员 is called even at night
        ctx.reply(refusal, mentions=lookup.grid_worker_ids(ctx.session, grid_id), urgent=True)
        return
    if command.draft.empty:
        ctx.reply(ReportNeedsContent(warning=True))
        return
    event = _new_event(ctx, command.draft, grid_id, source="warning")
    late_after = timedelta(hours=ctx.settings.warning_late_hours)
    late = event.occurred_at is not None and ctx.now - event.occurred_at > late_after
    enter_center_queue(
        ctx,
        event,
        "direct_report",
        level=2,
        warning=True,
        late=late,
        flags=[*event.flags, "迟报"] if late else event.flags,
    )
    posted = WarningPosted(
        ref=event.ref,
        grid=org_repo.grid(ctx.session, grid_id).name,
        sector=event.sector or "待分类",
        location=event.location or "",
        description=event.description,
        reporter=ctx.actor.name,
        late=late,
    )
    ctx.post(lookup.town_center_group(ctx.session, event.town_id), posted)
    ctx.post(lookup.district_center_group(ctx.session, event.town_id), posted)
    ctx.reply(WarningReceived(ref=event.ref, late=late))
    if not event.category_confirmed and event.candidates:
        _ask_category(ctx, event)
    _photos_sent_before(ctx, event)


def open_question(ctx: Context, kind: str) -> PendingQuestion | None:
    """The sender's latest unanswered question of that kind (in this group for category questions)."""
    if ctx.actor.person is None:
        return None
    group_id = ctx.place.group_id if kind == "category" else None
    return event_repo.open_question(ctx.session, ctx.actor.id, kind, group_id)


def best_item(ctx: Context, sector: str, text: str) -> CatalogItem | None:
    """The sector's item whose keywords the text hits most (ties: catalog order)."""
    found = ctx.catalog.sector(sector)
    if found is None or not found.items:
        return None
    scored = [(sum(len(k) for k in item.keywords if k in text), -index, item) for index, item in enumerate(found.items)]
    score, _, item = max(scored, key=lambda entry: (entry[0], entry[1]))
    return item if score > 0 else None


@handles(ChooseCategory)
def choose(ctx: Context, command: ChooseCategory) -> None:
    question = open_question(ctx, "category")
    if question is None or question.event_id is None:
        ctx.reply(NoQuestion())
        return
    if not 1 <= command.choice <= len(question.options):
        ctx.reply(BadChoice(count=len(question.options)))
        return
    event = ctx.session.get(Event, question.event_id)
    assert event is not None
    if not require(ctx, Action.EVENT_CHOOSE_CATEGORY, scopes.of_event(ctx.session, event), NoQuestion()):
        return
    sector = question.options[command.choice - 1]
    item = best_item(ctx, sector, event.description)
    change(ctx, event, "choose_category", sector=sector, item_code=item.code if item else None, category_confirmed=True)
    question.answered_at = ctx.now
    ctx.session.add(question)
    ctx.reply(CategoryChosen(ref=event.ref, sector=sector))


@handles(Attach)
def attach(ctx: Context, command: Attach) -> None:
    """附图 E12: the sender's next images belong to E12."""
    event = command.event
    assert event.id is not None
    if not require(
        ctx, Action.EVENT_ATTACH, scopes.of_event(ctx.session, event), f"给 {event.ref} 补图", ref=event.ref
    ):
        return
    ctx.session.add(
        PendingQuestion(person_id=ctx.actor.id, group_id=None, kind="attach", event_id=event.id, asked_at=ctx.now)
    )
    ctx.reply(AttachReady(ref=event.ref))


def _photo_target(ctx: Context) -> Event | None:
    """Where an image belongs: the event named by 附图, else the sender's report in this group within the window."""
    window = timedelta(minutes=ctx.settings.photo_window_minutes)
    pointer = open_question(ctx, "attach")
    if pointer is not None and pointer.event_id is not None and ctx.now - pointer.asked_at <= ATTACH_POINTER_LIFETIME:
        return ctx.session.get(Event, pointer.event_id)
    after_done = open_question(ctx, "attach_after")
    if after_done is not None and after_done.event_id is not None and ctx.now - after_done.asked_at <= window:
        return ctx.session.get(Event, after_done.event_id)
    return _latest_report_here(ctx)


def _latest_report_here(ctx: Context) -> Event | None:
    """The sender's latest report in this group, if it is recent enough for a photo or a location to follow it."""
    if ctx.actor.person is None or ctx.place.group_id is None:
        return None
    latest = event_repo.latest_report_by(ctx.session, ctx.actor.id, ctx.place.group_id)
    window = timedelta(minutes=ctx.settings.photo_window_minutes)
    return latest if latest is not None and ctx.now - latest.created_at <= window else None


def _attach_photos(ctx: Context, event: Event, message_ids: list[int]) -> None:
    """Each image of the messages becomes a photo of the event; those that could not be fetched or were refused
    are recorded with it but not counted, and the sender is asked to send them again."""
    assert event.id is not None
    unsaved = 0
    for message_id in message_ids:
        files = photo_repo.files_of(ctx.session, message_id)
        for file in files:
            ctx.session.add(
                EventPhoto(
                    event_id=event.id,
                    inbox_message_id=message_id,
                    photo_file_id=file.id,
                    person_id=ctx.actor.id,
                    at=ctx.now,
                )
            )
            unsaved += file.state != PhotoState.STORED
        if not files:  # a channel that carries no file (the simulator, the gateway): the message is the photo
            ctx.session.add(
                EventPhoto(event_id=event.id, inbox_message_id=message_id, person_id=ctx.actor.id, at=ctx.now)
            )
    ctx.session.flush()
    count = event_repo.photo_count(ctx.session, event.id)
    change(ctx, event, "photo", note=photo_note(count, unsaved))
    ctx.reply(PhotoAttached(ref=lookup.shown_ref(ctx.session, event), count=count, unsaved=unsaved))


def _photos_sent_before(ctx: Context, event: Event) -> None:
    """Images the reporter sent just before the report's text (in this group, within the photo window) are its."""
    if ctx.place.group_id is None:
        return
    since = ctx.now - timedelta(minutes=ctx.settings.photo_window_minutes)
    earlier = event_repo.unattached_images(ctx.session, ctx.actor.id, ctx.place.group_id, since)
    if earlier:
        _attach_photos(ctx, event, [m.id for m in earlier if m.id is not None])


@handles(AddPhoto)
def receive_image(ctx: Context, command: AddPhoto) -> None:
    """A message's images: attached to their event (and acknowledged), or kept as chat (no answer)."""
    event = command.event or _photo_target(ctx)
    if event is None or event.id is None or not ctx.permits(Action.EVENT_ATTACH, scopes.of_event(ctx.session, event)):
        return
    _attach_photos(ctx, event, [command.message_id])


@handles(SetLocation)
def receive_location(ctx: Context, command: SetLocation) -> None:
    """A location message right after a report sets its coordinates."""
    latest = _latest_report_here(ctx)
    if latest is None or not ctx.permits(Action.EVENT_ATTACH, scopes.of_event(ctx.session, latest)):
        return
    change(
        ctx,
        latest,
        "location",
        latitude=command.latitude,
        longitude=command.longitude,
        location=latest.location or command.label or None,
    )
    ctx.reply(LocationSet(ref=latest.ref, label=command.label))
