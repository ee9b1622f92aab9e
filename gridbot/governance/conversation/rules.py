"""The message-level rules: an ordered chain that every stored chat message goes through, fail closed.

Each rule either settles the message (answering it or deciding it is chat) or passes it on:

1. an image or a location belongs to a report (or to nothing: chat);
2. the text is parsed (a bare digit answers an open category question);
3. ordinary chat stays silent; a bare @-mention that says nothing readable gets a hint;
4. an unregistered sender, or a group outside the organisation, is told so (a bare 收到 stays silent);
5. a bare 收到 is applied only when exactly one item waits for the sender here;
6. a reference is found once (or answered "不存在"), the intent becomes a command, the service runs it;
7. whatever was triggered and still has no answer gets the help text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from gridbot.clock import local
from gridbot.governance import scopes
from gridbot.governance.actors import Actor, Place
from gridbot.governance.commands import Accept, AcknowledgeTask, AddPhoto, Command, SetLocation
from gridbot.governance.context import Context
from gridbot.governance.conversation.references import resolve
from gridbot.governance.conversation.translate import translate
from gridbot.governance.permissions import Action
from gridbot.governance.reports import open_question
from gridbot.governance.services import Governance, run
from gridbot.intents import parse
from gridbot.intents.model import Fields, Intent, IntentKind
from gridbot.notices import Addressed, Notice
from gridbot.notices.queries import Help
from gridbot.notices.questions import GroupUnknown, NotUnderstood, Unregistered
from gridbot.storage import directive_repo, event_repo
from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import InboxMessage
from gridbot.storage.models.org import Group, Person, Role

BARE_DIGIT = re.compile(r"^\s*([1-9])\s*$")


@dataclass(slots=True)
class Turn:
    """One message on its way through the chain: who, where, what was read, and what will be answered."""

    message: InboxMessage
    ctx: Context
    registered: bool
    in_organisation: bool
    bot_name: str
    intent: Intent | None = None
    outcome: str | None = None  # what the message was (the intent's key, `image`, `mention`…), None for chat
    done: bool = False
    notices: list[Addressed] = field(default_factory=list)

    def answer(self, notice: Notice) -> None:
        self.ctx.reply(notice)

    def settle(self, outcome: str | None) -> None:
        self.outcome, self.done = outcome, True

    def execute(self, command: Command) -> None:
        run(self.ctx, command)

    @property
    def bare_acknowledgement(self) -> bool:
        return self.intent is not None and self.intent.kind is IntentKind.ACCEPT and self.intent.ref is None


Rule = Callable[[Turn], None]


def media(turn: Turn) -> None:
    """Images and locations: attached to the sender's report here, or kept as chat (no answer)."""
    message = turn.message
    if message.kind not in ("image", "location"):
        return
    if turn.registered and turn.in_organisation:
        payload = message.payload
        assert message.id is not None
        turn.execute(
            AddPhoto(message.id)
            if message.kind == "image"
            else SetLocation(
                float(payload.get("lat", 0.0)), float(payload.get("lng", 0.0)), str(payload.get("label") or "")
            )
        )
    turn.settle(message.kind)


def reading(turn: Turn) -> None:
    """Parse the text; a bare digit from someone asked to choose a category is that choice."""
    text = turn.message.text
    digit = BARE_DIGIT.match(text)
    if digit and turn.registered and open_question(turn.ctx, "category") is not None:
        turn.intent = Intent(kind=IntentKind.CHOOSE, fields=Fields(choice=int(digit.group(1))))
        return
    turn.intent = parse(text, local(turn.message.sent_at), turn.ctx.catalog)


def chat(turn: Turn) -> None:
    """Ordinary chat is stored and not answered; an @-mention is a trigger, so it gets a hint at least."""
    if turn.intent is None or turn.intent.kind is not IntentKind.NONE:
        return
    if turn.message.text.lstrip().startswith(("@" + turn.bot_name, "＠" + turn.bot_name)):
        turn.answer(NotUnderstood())
        turn.settle("mention")
        return
    turn.settle(None)


def strangers(turn: Turn) -> None:
    """No role counts for an unregistered sender, nor in a group outside the organisation (fail closed)."""
    assert turn.intent is not None
    refusal: Notice | None = None
    if not turn.registered:
        refusal = Unregistered()
    elif not turn.in_organisation:
        refusal = GroupUnknown()
    if refusal is None:
        return
    if not turn.bare_acknowledgement:
        turn.answer(refusal)
    turn.settle(turn.intent.kind.value)


def bare_acknowledgement(turn: Turn) -> None:
    """A bare 收到/好的 applies only when exactly one item waits for this person's acknowledgement here."""
    if not turn.bare_acknowledgement:
        return
    waiting = _waiting(turn.ctx)
    if len(waiting) == 1:
        turn.execute(waiting[0])
    turn.settle(IntentKind.ACCEPT.value)


def _waiting(ctx: Context) -> list[Command]:
    """Events dispatched to this department group's department (for its members), and directive tasks of this
    grid not yet acknowledged (for its 专职网格员)."""
    place = ctx.place
    waiting: list[Command] = []
    if place.is_department and ctx.permits(Action.EVENT_ACCEPT, scopes.of_place(place)):
        assert place.department_id is not None
        waiting += [Accept(e) for e in event_repo.dispatched_to(ctx.session, place.department_id)]
    if place.is_grid and ctx.actor.holds(Role.GRID_WORKER, grid_id=place.grid_id):
        assert place.grid_id is not None
        for task in directive_repo.tasks_waiting_in_grid(ctx.session, place.grid_id):
            directive = ctx.session.get(Directive, task.directive_id)
            if directive is not None:
                waiting.append(AcknowledgeTask(directive))
    return waiting


def command(turn: Turn) -> None:
    """Find the reference once, translate the intent into a command, and run it."""
    intent = turn.intent
    assert intent is not None
    subject = resolve(turn.ctx.session, intent.ref) if intent.ref is not None else None
    result = translate(intent, subject)
    if isinstance(result, Notice):
        turn.answer(result)
    elif result is not None:
        turn.execute(result)
    turn.outcome = intent.kind.value


def always_answered(turn: Turn) -> None:
    """Every triggered message gets an answer, even when a rule had nothing to say."""
    if not turn.ctx.replied and not any(n.group_id == turn.ctx.place.group_id for n in turn.ctx.notices):
        turn.answer(Help(audience="grid"))
    turn.settle(turn.outcome)


CHAIN: tuple[Rule, ...] = (media, reading, chat, strangers, bare_acknowledgement, command, always_answered)


@dataclass(frozen=True, slots=True)
class Answered:
    outcome: str | None  # what the message was: an intent key, `image`, `location`, `mention`; None for chat
    notices: tuple[Addressed, ...]


def answer_message(
    governance: Governance,
    message: InboxMessage,
    person: Person | None,
    group: Group | None,
    now: datetime,
    *,
    bot_name: str,
) -> Answered:
    """Run the chain over one stored message; the notices come back with posts into the message's own group
    turned into replies (in a group chat they are the answer)."""
    direct = bool(message.payload.get("direct"))
    actor = Actor.of(governance.session, person) if person is not None and person.id is not None else None
    place = Place.of_group(governance.session, group) if group is not None else Place.direct()
    ctx = governance.context(actor or Actor(None, ()), place, now, source_message_id=message.id)
    turn = Turn(
        message, ctx, registered=actor is not None, in_organisation=group is not None or direct, bot_name=bot_name
    )
    for rule in CHAIN:
        rule(turn)
        if turn.done:
            break
    return Answered(turn.outcome, tuple(_as_replies(ctx.notices, place.group_id)))


def _as_replies(notices: list[Addressed], group_id: int | None) -> list[Addressed]:
    return [
        Addressed(n.notice, reply=True, mentions=n.mentions) if group_id is not None and n.group_id == group_id else n
        for n in notices
    ]
