"""The commands of the governance service layer: small values that say what to do, never chat text.

Chat (governance/conversation), the console and the schedules translate their input into these; `services.execute`
runs each through its handler, which checks the permission table first. Subjects are loaded objects: a command
about E12 carries the Event itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import Event
from gridbot.storage.records_file import RecordSpec


@dataclass(frozen=True, slots=True)
class EventDraft:
    """What a report or warning says (parsed fields; the sector as classified, with its candidates)."""

    description: str
    sector: str | None = None
    item: str | None = None
    confidence: float = 0.0
    candidates: tuple[str, ...] = ()
    location: str | None = None
    occurred_at: datetime | None = None
    persons: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    before: str | None = None
    after: str | None = None

    @property
    def empty(self) -> bool:
        """Nothing was said: no description, place or disposal."""
        return not any((self.description.strip(), self.location, self.before, self.after))


class Command:
    """Base of every command (for typing)."""

    __slots__ = ()


# ---- reports from the grid --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Report(Command):
    draft: EventDraft
    self_resolved: bool = False
    asks_center: bool = False


@dataclass(frozen=True, slots=True)
class Warn(Command):
    draft: EventDraft


@dataclass(frozen=True, slots=True)
class ChooseCategory(Command):
    """The reporter's answer (a digit) to "which category?"."""

    choice: int


@dataclass(frozen=True, slots=True)
class Attach(Command):
    """附图 E12: the sender's next images belong to E12."""

    event: Event


@dataclass(frozen=True, slots=True)
class AddPhoto(Command):
    """The images of a message (an image message, or a text carrying images); they belong to the event the text
    names (`event`), else to the event the sender pointed at or just reported."""

    message_id: int
    event: Event | None = None


@dataclass(frozen=True, slots=True)
class SetLocation(Command):
    """A location message right after a report."""

    latitude: float
    longitude: float
    label: str = ""


# ---- the three-level flow ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Escalate(Command):
    event: Event
    note: str = ""


@dataclass(frozen=True, slots=True)
class Coordinate(Command):
    event: Event
    note: str = ""


@dataclass(frozen=True, slots=True)
class CloseInGrid(Command):
    """办结 of a level-1 event by the grid."""

    event: Event
    result: str


@dataclass(frozen=True, slots=True)
class Dispatch(Command):
    event: Event
    department: str | None = None  # a name as typed; None: the catalog's department
    instructions: str = ""


@dataclass(frozen=True, slots=True)
class Accept(Command):
    event: Event


@dataclass(frozen=True, slots=True)
class Return(Command):
    event: Event
    reason: str


@dataclass(frozen=True, slots=True)
class Progress(Command):
    event: Event
    text: str


@dataclass(frozen=True, slots=True)
class Resolve(Command):
    """办结 by the department holding the event (then the center verifies)."""

    event: Event
    result: str


@dataclass(frozen=True, slots=True)
class Verify(Command):
    event: Event
    passed: bool | None  # None: no verdict was given
    reason: str = ""


@dataclass(frozen=True, slots=True)
class VerifyWarning(Command):
    event: Event
    true: bool


@dataclass(frozen=True, slots=True)
class EscalateDistrict(Command):
    event: Event
    reason: str | None  # one of the three reasons, or None when none was given
    note: str = ""


@dataclass(frozen=True, slots=True)
class RequestExtension(Command):
    event: Event
    hours: float | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ApproveExtension(Command):
    event: Event


@dataclass(frozen=True, slots=True)
class DeclineExtension(Command):
    event: Event
    reason: str = ""


# ---- the reporter's own changes, checks and ratings -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Correction:
    """The fields a 更正 names (None or empty: unchanged); `category` as typed."""

    location: str | None = None
    occurred_at: datetime | None = None
    phones: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    before: str | None = None
    after: str | None = None
    description: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Correct(Command):
    event: Event
    correction: Correction
    note: str = ""


@dataclass(frozen=True, slots=True)
class Withdraw(Command):
    event: Event
    note: str = ""


@dataclass(frozen=True, slots=True)
class Check(Command):
    event: Event
    qualified: bool | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Rate(Command):
    event: Event
    verdict: str | None  # 满意 / 基本满意 / 不满意
    comment: str = ""


# ---- directives -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DirectiveDraft:
    """The 【部门指令】 template's fields; `deadline_unreadable`: a 截止 line was written but no date read from it."""

    title: str | None
    kind: str | None
    targets: tuple[str, ...]
    requirements: str
    deadline: datetime | None
    persons: tuple[str, ...] = ()
    sector: str | None = None
    item: str | None = None
    confidence: float = 0.0
    deadline_unreadable: bool = False


@dataclass(frozen=True, slots=True)
class IssueDirective(Command):
    draft: DirectiveDraft


@dataclass(frozen=True, slots=True)
class ApproveDirective(Command):
    """通过 D3: the reviewing center approves; on a dispatched directive, its department approves extensions."""

    directive: Directive


@dataclass(frozen=True, slots=True)
class ReturnDirective(Command):
    directive: Directive
    reason: str


@dataclass(frozen=True, slots=True)
class DeclineTaskExtensions(Command):
    """不同意 D3: the issuing department refuses the open extension requests of its tasks."""

    directive: Directive
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AcknowledgeTask(Command):
    directive: Directive


@dataclass(frozen=True, slots=True)
class TaskProgress(Command):
    directive: Directive
    text: str


@dataclass(frozen=True, slots=True)
class CompleteTask(Command):
    directive: Directive
    result: str


@dataclass(frozen=True, slots=True)
class RequestTaskExtension(Command):
    directive: Directive
    hours: float | None
    reason: str = ""


# ---- questions that change nothing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ViewEvent(Command):
    event: Event


@dataclass(frozen=True, slots=True)
class ViewDirective(Command):
    directive: Directive


@dataclass(frozen=True, slots=True)
class ViewTodo(Command):
    pass


@dataclass(frozen=True, slots=True)
class ViewHelp(Command):
    pass


@dataclass(frozen=True, slots=True)
class ViewStats(Command):
    """The digest's figures so far for the asker's town or district: `day`, `week` or `month`."""

    period: str = "day"


# ---- the operator and the system --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRecords(Command):
    """External records (12345, 110, 信访), checked beforehand by the file reader."""

    records: tuple[RecordSpec, ...]
