"""The message-level rules: an ordered chain that every stored chat message goes through, fail closed.

Each rule either settles the message (answering it or deciding it is chat) or passes it on:

1. an image or a location belongs to a report (or to nothing: chat);
2. the text is parsed (a bare digit answers an open category question);
3. ordinary chat stays silent; a bare @-mention that says nothing readable gets a hint;
4. an unregistered sender, or a group outside the organisation, is told so (a bare 收到 stays silent);
5. a bare 签收/办结/完成 (or 收到) acts on the one item waiting for the sender here, or lists them;
6. each reference is found once (or answered "不存在"), the intent becomes a command per reference, the service
   runs each;
7. whatever was triggered and still has no answer gets the help text.

After the chain, a text that carries images (an AI-bot mixed message) gives them to an event: the one its text
names, else by the photo rules (a report takes those sent with it, and those sent just before).

A message that quotes another (a reply) is read as written; only a command that needs a reference and has none
takes the one reference the quoted message names ("签收" quoting "E12 已派单…" is 签收 E12). Plain acknowledgements
(收到, 好的) stay acknowledgements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from gridbot.clock import local
from gridbot.governance import scopes
from gridbot.governance.actors import Actor, Place
from gridbot.governance.commands import (
    Accept,
    AcknowledgeTask,
    AddPhoto,
    CloseInGrid,
    Command,
    CompleteTask,
    Resolve,
    SetLocation,
)
from gridbot.governance.context import Context
from gridbot.governance.conversation.references import resolve
from gridbot.governance.conversation.translate import translate
from gridbot.governance.permissions import Action
from gridbot.governance.reports import open_question
from gridbot.governance.services import Governance, run
from gridbot.intents import parse
from gridbot.intents.model import Fields, Intent, IntentKind
from gridbot.intents.references import quoted_reference
from gridbot.intents.vocabulary import ACK_WORDS, REF_COMMANDS
from gridbot.notices import Addressed, Notice
from gridbot.notices.queries import Help
from gridbot.notices.questions import (
    GroupUnknown,
    Hint,
    NothingWaiting,
    NotUnderstood,
    SeveralWaiting,
    Unregistered,
    WaitingItem,
)
from gridbot.storage import directive_repo, event_repo, photo_repo
from gridbot.storage.models.directives import Directive
from gridbot.storage.models.events import Event, EventStatus, InboxMessage
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

    def without_mention(self) -> str:
        """The text without a leading @-mention of the bot (every AI-bot group message starts with one)."""
        text = self.message.text.lstrip()
        for mention in ("@" + self.bot_name, "＠" + self.bot_name):
            text = text.removeprefix(mention)
        return text

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
    """Parse the text; a bare digit from someone asked to choose a category is that choice; a command without a
    reference that quotes a message naming one reference takes it."""
    text = turn.message.text
    digit = BARE_DIGIT.match(text)
    if digit and turn.registered and open_question(turn.ctx, "category") is not None:
        turn.intent = Intent(kind=IntentKind.CHOOSE, fields=Fields(choice=int(digit.group(1))))
        return
    turn.intent = _with_quoted_reference(turn, parse(text, local(turn.message.sent_at), turn.ctx.catalog))


def _with_quoted_reference(turn: Turn, intent: Intent) -> Intent:
    quote = turn.message.payload.get("quote")
    quoted_text = quote.get("text") if isinstance(quote, dict) else None
    if intent.ref is not None or intent.kind not in REF_COMMANDS or not isinstance(quoted_text, str):
        return intent
    if _said(turn) in ACKNOWLEDGEMENTS:  # 收到 in reply to a message is not a command about it
        return intent
    ref = quoted_reference(quoted_text)
    return replace(intent, ref=ref, refs=(ref,)) if ref is not None else intent


def _said(turn: Turn) -> str:
    """The message's words without the leading @-mention of the bot, punctuation and spaces."""
    text = turn.message.text.lstrip()
    for mention in ("@" + turn.bot_name, "＠" + turn.bot_name):
        if text.startswith(mention):
            text = text[len(mention) :]
    return NOT_WORDS.sub("", text)


def chat(turn: Turn) -> None:
    """Ordinary chat is stored and not answered. A message meant for the bot that cannot be read (an @-mention,
    a `#` or 【】 with an unknown word) gets the form to type: the parser's hint, or the general one."""
    if turn.intent is None or turn.intent.kind is not IntentKind.NONE:
        return
    if turn.intent.hint is not None:
        turn.answer(Hint(turn.intent.hint))
        turn.settle("hint")
        return
    if turn.without_mention() != turn.message.text.lstrip():
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


BARE_VERBS = {IntentKind.ACCEPT: "签收", IntentKind.RESOLVE: "办结"}
ACKNOWLEDGEMENTS = frozenset(ACK_WORDS)  # with nothing waiting, these are chat
# …and these (好的, 明白) are chat even when several items wait; 收到 and 签收 name the command, so they get the list.
PLAIN_ACKNOWLEDGEMENTS = ACKNOWLEDGEMENTS - {w for w in REF_COMMANDS[IntentKind.ACCEPT]}
NOT_WORDS = re.compile(r"[\W_]+")  # punctuation, spaces and emoji around a bare 收到


def bare_command(turn: Turn) -> None:
    """签收, 办结, 完成 (and a bare 收到) without a reference act on the one item waiting for this person here;
    with several waiting they are listed with their references. A bare 收到/好的 with nothing waiting is chat."""
    intent = turn.intent
    if intent is None or intent.ref is not None or intent.kind not in BARE_VERBS:
        return
    waiting = _waiting(turn.ctx) if intent.kind is IntentKind.ACCEPT else _to_finish(turn.ctx, intent)
    verb = BARE_VERBS[intent.kind]
    said = NOT_WORDS.sub("", turn.without_mention())
    if len(waiting) == 1:
        turn.execute(waiting[0][1])
    elif waiting and said not in PLAIN_ACKNOWLEDGEMENTS:
        turn.answer(SeveralWaiting(verb, [item for item, _ in waiting]))
    elif not waiting and said not in ACKNOWLEDGEMENTS:
        turn.answer(NothingWaiting(verb))
    turn.settle(intent.kind.value)


Waiting = list[tuple[WaitingItem, Command]]


def _waiting(ctx: Context) -> Waiting:
    """To acknowledge: events dispatched to this department group's department (for its members), and directive
    tasks of this grid not yet acknowledged (for its 专职网格员)."""
    place = ctx.place
    waiting: Waiting = []
    if place.is_department and ctx.permits(Action.EVENT_ACCEPT, scopes.of_place(place)):
        assert place.department_id is not None
        for event in event_repo.dispatched_to(ctx.session, place.department_id):
            waiting.append((WaitingItem(event.ref, event.description), Accept(event)))
    if place.is_grid and ctx.actor.holds(Role.GRID_WORKER, grid_id=place.grid_id):
        assert place.grid_id is not None
        for task in directive_repo.tasks_waiting_in_grid(ctx.session, place.grid_id):
            directive = ctx.session.get(Directive, task.directive_id)
            if directive is not None:
                waiting.append((WaitingItem(directive.ref, directive.title), AcknowledgeTask(directive)))
    return waiting


def _to_finish(ctx: Context, intent: Intent) -> Waiting:
    """To finish (办结/完成): the department's accepted events in its group; in a grid group, the grid's open
    level-1 events and open directive tasks (for its 专职网格员)."""
    place, result = ctx.place, (intent.fields.after or intent.body).strip()
    waiting: Waiting = []
    if place.is_department and ctx.permits(Action.EVENT_RESOLVE, scopes.of_place(place)):
        assert place.department_id is not None
        for event in event_repo.held_by_departments(ctx.session, [place.department_id]):
            if event.status == EventStatus.ACCEPTED:
                waiting.append((WaitingItem(event.ref, event.description), Resolve(event, result)))
    if place.is_grid and ctx.actor.holds(Role.GRID_WORKER, grid_id=place.grid_id):
        assert place.grid_id is not None
        for event in event_repo.open_in_grids(ctx.session, [place.grid_id]):
            waiting.append((WaitingItem(event.ref, event.description), CloseInGrid(event, result)))
        for task in directive_repo.open_tasks_of_grids(ctx.session, [place.grid_id]):
            directive = ctx.session.get(Directive, task.directive_id)
            if directive is not None:
                waiting.append((WaitingItem(directive.ref, directive.title), CompleteTask(directive, result)))
    return waiting


def command(turn: Turn) -> None:
    """Find each reference once, translate the intent into a command per reference, and run each
    (`签收 E1 E2` signs both, and answers for both)."""
    intent = turn.intent
    assert intent is not None
    for ref in intent.refs or (None,):
        one = replace(intent, ref=ref, refs=(ref,) if ref else ())
        subject = resolve(turn.ctx.session, ref) if ref is not None else None
        result = translate(one, subject)
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


CHAIN: tuple[Rule, ...] = (media, reading, chat, strangers, bare_command, command, always_answered)


def carried_images(turn: Turn) -> None:
    """The images a text carries go to the event its text names (one E reference), else by the photo rules,
    unless the text already took them (a report takes the images sent with it)."""
    message = turn.message
    if message.kind == "image" or not (turn.registered and turn.in_organisation):
        return
    assert message.id is not None
    session = turn.ctx.session
    if not photo_repo.files_of(session, message.id) or photo_repo.attached(session, message.id):
        return
    refs = turn.intent.refs if turn.intent is not None else ()
    named = resolve(session, refs[0]) if len(refs) == 1 else None
    turn.execute(AddPhoto(message.id, named if isinstance(named, Event) else None))
    if turn.outcome is None and photo_repo.attached(session, message.id):
        turn.outcome = "image"


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
    carried_images(turn)
    return Answered(turn.outcome, tuple(_as_replies(ctx.notices, place.group_id)))


def _as_replies(notices: list[Addressed], group_id: int | None) -> list[Addressed]:
    return [
        Addressed(n.notice, reply=True, mentions=n.mentions) if group_id is not None and n.group_id == group_id else n
        for n in notices
    ]
