"""Messages in and out, events and their history (workflow.md §3). Nothing here is ever deleted."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from gridbot.storage.types import UtcDateTime


class EventStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    DELETED = "deleted"


STATUS_LABELS: dict[str, str] = {
    EventStatus.OPEN: "处置中",
    EventStatus.PENDING: "待派单",
    EventStatus.DISPATCHED: "已派单",
    EventStatus.ACCEPTED: "已签收",
    EventStatus.RESOLVED: "待核查",
    EventStatus.CLOSED: "已办结",
    EventStatus.WITHDRAWN: "已撤回",
    EventStatus.DELETED: "已删除(抽查不合格)",
}


class Closure(StrEnum):
    SELF = "self"  # 自办结 in the grid
    COORDINATION = "coordination"  # closed on entering coordination
    RESOLUTION = "resolution"  # resolved and verified
    UNFOUNDED = "unfounded"  # a warning verified as 不属实


class HolderKind(StrEnum):
    GRID = "grid"
    TOWN_CENTER = "town_center"
    DISTRICT_CENTER = "district_center"
    DEPARTMENT = "department"


class InboxMessage(SQLModel, table=True):
    """Every incoming message, stored before anything else happens (unique per channel + message id)."""

    __tablename__ = "inbox_message"
    # The index serves "this person's recent messages in this group" (photos sent just before a report).
    __table_args__ = (
        UniqueConstraint("channel", "message_id"),
        Index("ix_inbox_message_sender_place", "person_id", "group_id", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    message_id: str
    conversation: str  # the group's name or the channel's chat id
    sender: str  # the channel's sender id (WeCom userid) or, in the simulator, the person's name
    kind: str = "text"  # text | image | location
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    sent_at: datetime = Field(sa_type=UtcDateTime)
    received_at: datetime = Field(sa_type=UtcDateTime)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    group_id: int | None = Field(default=None, foreign_key="group.id")
    intent: str | None = None
    state: str = "received"  # received | processed | failed
    error: str | None = None


class Event(SQLModel, table=True):
    """A grid event; users call it E<id>."""

    __table_args__ = (
        # "This person's latest report in this group" (a photo or a location sent after a report).
        Index("ix_event_reporter_group", "reporter_id", "reported_in_group_id", "id"),
        # Digests and indicators: a town's events created or closed in a period; a grid's latest reports.
        Index("ix_event_town_created", "town_id", "created_at"),
        Index("ix_event_town_closed", "town_id", "closed_at"),
        Index("ix_event_grid_created", "grid_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = "report"  # report | warning | directive | import
    status: str = Field(default=EventStatus.OPEN, sa_type=String, index=True)
    level: int = 1
    closure: str | None = None
    sector: str | None = Field(default=None, index=True)
    item_code: str | None = None
    category_confirmed: bool = True
    candidates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    warning: bool = False
    warning_truth: str | None = None  # 属实 | 不属实
    late: bool = False  # 迟报
    grid_id: int = Field(foreign_key="grid.id", index=True)
    town_id: int = Field(foreign_key="town.id")
    holder_kind: str = HolderKind.GRID
    department_id: int | None = Field(default=None, foreign_key="department.id")
    reporter_id: int | None = Field(default=None, foreign_key="person.id")
    reported_in_group_id: int | None = Field(default=None, foreign_key="group.id")
    inbox_message_id: int | None = Field(default=None, foreign_key="inbox_message.id")
    directive_task_id: int | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    occurred_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    persons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    phones: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    id_numbers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    escalation_reason: str | None = None
    returns: int = 0
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    pending_since: datetime | None = Field(default=None, sa_type=UtcDateTime)
    accept_from: datetime | None = Field(default=None, sa_type=UtcDateTime)
    accept_due: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolve_from: datetime | None = Field(default=None, sa_type=UtcDateTime)
    resolve_due: datetime | None = Field(default=None, sa_type=UtcDateTime)
    verify_since: datetime | None = Field(default=None, sa_type=UtcDateTime)  # resolved, waiting for the center
    extension_requested_hours: float | None = None
    created_at: datetime = Field(sa_type=UtcDateTime, index=True)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    @property
    def ref(self) -> str:
        return f"E{self.id}"


class EventHistory(SQLModel, table=True):
    """One change of an event: who, when, what, from which status to which."""

    __tablename__ = "event_history"
    # A period's entries of one kind (dispatches, flags, acceptances) for digests and department figures.
    __table_args__ = (Index("ix_event_history_action_at", "action", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    at: datetime = Field(sa_type=UtcDateTime)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str
    from_status: str | None = None
    to_status: str | None = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PhotoState(StrEnum):
    PENDING = "pending"  # stored with its message, not fetched yet
    STORED = "stored"  # fetched, checked and kept as a file
    MISSING = "missing"  # could not be fetched (expired link, network, decryption): `reason` says why
    REFUSED = "refused"  # fetched but not kept (not an image type we accept, too large): `reason` says why


class PhotoFile(SQLModel, table=True):
    """One image an incoming message carries (an image message, each image of a mixed message).

    Its row is written with the message, in the same transaction; the image is fetched right after (the AI bot's
    link lasts five minutes) and kept as a file named by its sha256 under `settings.media_dir` (`path` is relative
    to it, so the same picture sent twice is one file), or marked missing or refused with the reason. `locator` is
    what the channel fetches it by (a download URL, a media id); keys that decrypt it are never stored.
    """

    __tablename__ = "photo_file"
    __table_args__ = (UniqueConstraint("inbox_message_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    inbox_message_id: int = Field(foreign_key="inbox_message.id")
    position: int  # the image's place among the message's images, from 0
    source: str  # the channel that fetches it: wecom_bot | wecom_app
    locator: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default=PhotoState.PENDING, sa_type=String)
    reason: str | None = None
    sha256: str | None = Field(default=None, index=True)
    size: int | None = None  # bytes
    content_type: str | None = None  # image/jpeg | image/png | image/gif | image/webp
    path: str | None = None  # relative to settings.media_dir
    fetched_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class EventPhoto(SQLModel, table=True):
    """A photo of an event: one per image of the message (`photo_file_id`), or one per image message of a channel
    that carries no file (the simulator, the gateway: `photo_file_id` None)."""

    __tablename__ = "event_photo"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    inbox_message_id: int = Field(foreign_key="inbox_message.id")
    photo_file_id: int | None = Field(default=None, foreign_key="photo_file.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    at: datetime = Field(sa_type=UtcDateTime)


class Rating(SQLModel, table=True):
    """A two-way evaluation (评价) of how an event was handled."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    rater_id: int = Field(foreign_key="person.id")
    rater_role: str
    department_id: int | None = Field(default=None, foreign_key="department.id")
    grid_worker_id: int | None = Field(default=None, foreign_key="person.id")
    verdict: str
    comment: str = ""
    at: datetime = Field(sa_type=UtcDateTime)


class PendingQuestion(SQLModel, table=True):
    """Something the bot asked a person and waits for (a category choice, a missing half, an 附图 target)."""

    __tablename__ = "pending_question"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    group_id: int | None = Field(default=None, foreign_key="group.id")
    kind: str  # category | attach
    event_id: int | None = Field(default=None, foreign_key="event.id")
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    asked_at: datetime = Field(sa_type=UtcDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class OutboxMessage(SQLModel, table=True):
    """A message the bot will send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int | None = Field(default=None, foreign_key="group.id", index=True)
    conversation: str  # the group's name (or the chat the reply goes back to)
    text: str = Field(sa_column=Column(Text, nullable=False))
    mentions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # person names
    mention_userids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    in_reply_to: int | None = Field(default=None, foreign_key="inbox_message.id", index=True)
    reply_channel: str | None = None
    template: str = ""
    image_png: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # base64, for charts
    # One-tap actions ([label, command]) for channels that show cards; the command is what people would type.
    buttons: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    via: str | None = None  # a channel this row must go through (a ring after a card goes by the group robot)
    # pending | sending (claimed) | sent | parked (gave up or cannot be delivered: kept, listed, alerted)
    state: str = Field(default="pending", index=True)
    attempts: int = 0
    parts_sent: int = 0  # POSTs of this message that went out: a retry resumes after them
    claimed_by: str | None = None  # the sender instance holding the row while it is `sending`
    next_attempt_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str | None = None
    created_at: datetime = Field(sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
