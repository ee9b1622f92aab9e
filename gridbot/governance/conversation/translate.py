"""A parsed message (an Intent) and the object its reference names → the command it asks for.

One table, by intent kind and by the kind of object referred to; an intent that needs a reference and has none,
or names an object of a kind it does not act on, gets the answer instead of a command.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gridbot.governance.commands import (
    Accept,
    AcknowledgeTask,
    ApproveDirective,
    ApproveExtension,
    Attach,
    Check,
    ChooseCategory,
    CloseInGrid,
    Command,
    CompleteTask,
    Coordinate,
    Correct,
    Correction,
    DeclineExtension,
    DeclineTaskExtensions,
    DirectiveDraft,
    Dispatch,
    Escalate,
    EscalateDistrict,
    EventDraft,
    IssueDirective,
    Progress,
    Rate,
    Report,
    RequestExtension,
    RequestTaskExtension,
    Resolve,
    Return,
    ReturnDirective,
    TaskProgress,
    Verify,
    VerifyWarning,
    ViewDirective,
    ViewEvent,
    ViewHelp,
    ViewStats,
    ViewTodo,
    Warn,
    Withdraw,
)
from gridbot.governance.conversation.references import Subject
from gridbot.intents.model import Intent, IntentKind
from gridbot.notices import Notice
from gridbot.notices.forms import REF_EXAMPLES
from gridbot.notices.questions import NotFound, RefMissing
from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import Event, HolderKind

DEADLINE_WRITTEN = re.compile(r"(截止|期限|时限)\s*[:：]\s*\S")


def reason_of(intent: Intent) -> str:
    """The free text after the verdict or duration ("核查 E12 不通过 现场仍有积水" → "现场仍有积水")."""
    if intent.fields.reason:
        return intent.fields.reason.strip()
    body = intent.body.strip()
    verdict = intent.fields.verdict
    if verdict and body.startswith(verdict):
        body = body[len(verdict) :]
    return body.strip(" ，,。：:")


def _result(intent: Intent) -> str:
    """What was done (办结/完成): the 处置后 field, else the text."""
    return (intent.fields.after or intent.body).strip()


def _draft(intent: Intent) -> EventDraft:
    fields = intent.fields
    return EventDraft(
        description=fields.description or intent.body,
        sector=intent.sector,
        item=intent.item,
        confidence=intent.confidence,
        candidates=intent.candidates,
        location=fields.location,
        occurred_at=fields.occurred_at,
        persons=fields.persons,
        phones=fields.phones,
        id_numbers=fields.id_numbers,
        before=fields.before,
        after=fields.after,
    )


def _deadline_unreadable(intent: Intent) -> bool:
    """A 截止 line was written but no date could be read from it."""
    return intent.fields.deadline is None and DEADLINE_WRITTEN.search(intent.body) is not None


def _directive_draft(intent: Intent) -> DirectiveDraft:
    fields = intent.fields
    return DirectiveDraft(
        title=fields.title,
        kind=fields.directive_kind,
        targets=fields.targets,
        requirements=fields.requirements or "",
        deadline=fields.deadline,
        persons=fields.persons,
        sector=intent.sector,
        item=intent.item,
        confidence=intent.confidence,
        deadline_unreadable=_deadline_unreadable(intent),
    )


def _instructions(intent: Intent) -> str:
    """What the seat wrote after the department's name (instructions such as 请今天内到现场)."""
    named = intent.fields.department
    if not named:
        return ""
    index = intent.body.find(named)
    return intent.body[index + len(named) :].strip(" ，,。") if index >= 0 else ""


def _correction(intent: Intent) -> Correction:
    fields = intent.fields
    return Correction(
        location=fields.location,
        occurred_at=fields.occurred_at,
        phones=fields.phones,
        id_numbers=fields.id_numbers,
        persons=fields.persons,
        before=fields.before,
        after=fields.after,
        description=fields.description,
        category=fields.category,
    )


def _verdict(intent: Intent, yes: str, no: str) -> bool | None:
    return {yes: True, no: False}.get(intent.fields.verdict or "")


def _on_event(event: Event, intent: Intent) -> Command | None:
    kind = intent.kind
    if kind is IntentKind.RESOLVE:
        in_grid = event.level == 1 and event.holder_kind == HolderKind.GRID
        return CloseInGrid(event, _result(intent)) if in_grid else Resolve(event, _result(intent))
    if kind is IntentKind.COORDINATE:
        # Above level 1 coordination is the department's business: the words are a progress note.
        return Coordinate(event, intent.body) if event.level == 1 else Progress(event, intent.body)
    if kind is IntentKind.VERIFY:
        if intent.fields.verdict in ("属实", "不属实"):
            return VerifyWarning(event, intent.fields.verdict == "属实")
        return Verify(event, _verdict(intent, "通过", "不通过"), reason_of(intent))
    builders: dict[IntentKind, Callable[[], Command]] = {
        IntentKind.ACCEPT: lambda: Accept(event),
        IntentKind.RETURN: lambda: Return(event, intent.fields.reason or intent.body),
        IntentKind.PROGRESS: lambda: Progress(event, intent.body),
        IntentKind.EXTEND: lambda: RequestExtension(event, intent.fields.duration_hours, reason_of(intent)),
        IntentKind.APPROVE: lambda: ApproveExtension(event),
        IntentKind.DECLINE: lambda: DeclineExtension(event, reason_of(intent)),
        IntentKind.ESCALATE: lambda: Escalate(event, intent.body),
        IntentKind.DISPATCH: lambda: Dispatch(event, intent.fields.department, _instructions(intent)),
        IntentKind.ESCALATE_DISTRICT: lambda: EscalateDistrict(event, intent.fields.reason, intent.body),
        IntentKind.CORRECT: lambda: Correct(event, _correction(intent), intent.body),
        IntentKind.WITHDRAW: lambda: Withdraw(event, intent.body),
        IntentKind.ATTACH: lambda: Attach(event),
        IntentKind.CHECK: lambda: Check(event, _verdict(intent, "合格", "不合格"), reason_of(intent)),
        IntentKind.RATE: lambda: Rate(event, intent.fields.verdict, reason_of(intent)),
        IntentKind.QUERY: lambda: ViewEvent(event),
    }
    build = builders.get(kind)
    return build() if build is not None else None


def _on_directive(directive: Directive, intent: Intent) -> Command | None:
    builders: dict[IntentKind, Callable[[], Command]] = {
        IntentKind.ACCEPT: lambda: AcknowledgeTask(directive),
        IntentKind.RETURN: lambda: ReturnDirective(directive, intent.fields.reason or intent.body),
        IntentKind.PROGRESS: lambda: TaskProgress(directive, intent.body),
        IntentKind.RESOLVE: lambda: CompleteTask(directive, _result(intent)),
        IntentKind.EXTEND: lambda: RequestTaskExtension(directive, intent.fields.duration_hours, intent.body),
        IntentKind.APPROVE: lambda: ApproveDirective(directive),
        IntentKind.DECLINE: lambda: DeclineTaskExtensions(directive, reason_of(intent)),
        IntentKind.QUERY: lambda: ViewDirective(directive),
    }
    build = builders.get(intent.kind)
    return build() if build is not None else None


# Intents that need no reference (a bare 收到 is a message-level rule, see rules.py).
WITHOUT_REFERENCE: dict[IntentKind, Callable[[Intent], Command]] = {
    IntentKind.REPORT: lambda i: Report(_draft(i), self_resolved=i.self_resolved, asks_center=i.asks_center),
    IntentKind.WARNING: lambda i: Warn(_draft(i)),
    IntentKind.DIRECTIVE: lambda i: IssueDirective(_directive_draft(i)),
    IntentKind.CHOOSE: lambda i: ChooseCategory(i.fields.choice or 0),
    IntentKind.HELP: lambda i: ViewHelp(),
    IntentKind.STATS: lambda i: ViewStats(i.fields.period or "day"),
}


def translate(intent: Intent, subject: Subject | None) -> Command | Notice | None:
    """The command the message asks for; or the answer when it cannot be one (no or unknown reference);
    None for an intent with no command (chat)."""
    without = WITHOUT_REFERENCE.get(intent.kind)
    if without is not None:
        return without(intent)
    if intent.ref is None:
        return (
            ViewTodo()
            if intent.kind is IntentKind.QUERY
            else RefMissing(REF_EXAMPLES.get(intent.kind.value, "查询 E12"))
        )
    command: Command | None = None
    if isinstance(subject, Event):
        command = _on_event(subject, intent)
    elif isinstance(subject, Directive):
        command = _on_directive(subject, intent)
    return command if command is not None else NotFound(ref=intent.ref)
