"""Incoming message → stored → sender and place resolved → parsed → governance → outbox, in one transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from gridbot.bot import inbox
from gridbot.bot.messages import IncomingMessage
from gridbot.bot.outbox import write_notices
from gridbot.clock import Clock, local
from gridbot.governance import reports
from gridbot.governance.context import Actor, Context
from gridbot.governance.routes import ROUTER
from gridbot.intents import parse
from gridbot.intents.catalog import Catalog
from gridbot.intents.masking import mask_text
from gridbot.intents.model import Fields, Intent, IntentKind
from gridbot.notices import Addressed
from gridbot.notices.queries import Help
from gridbot.notices.questions import GroupUnknown, InternalError, NotUnderstood, Unregistered
from gridbot.settings import Settings
from gridbot.storage import org_repo
from gridbot.storage.catalog_store import ensure_catalog
from gridbot.storage.models.events import InboxMessage
from gridbot.storage.models.org import AuditEntry, Group, Person

log = logging.getLogger(__name__)

BARE_DIGIT = re.compile(r"^\s*([1-9])\s*$")


@dataclass(frozen=True, slots=True)
class Handled:
    inbox_id: int | None  # None: a duplicate, nothing was done
    intent: str | None


class Dispatcher:
    """The one path every message takes, whatever the channel."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self._catalog: tuple[int, Catalog] | None = None

    def handle(self, incoming: IncomingMessage) -> Handled:
        """Store, then process. The same message id twice changes nothing the second time."""
        inbox_id = inbox.store(self.engine, incoming, received_at=self.clock.now())
        if inbox_id is None:
            return Handled(None, None)
        return Handled(inbox_id, self.process(inbox_id))

    def process(self, inbox_id: int) -> str | None:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                message = session.get(InboxMessage, inbox_id)
                if message is None or message.state != "received":
                    return message.intent if message is not None else None
                intent = self._process(session, message)
                session.commit()
                return intent
        except Exception:
            log.exception("processing inbox message %s failed", inbox_id)
            self._fail(inbox_id)
            return None

    def catalog(self, session: Session) -> Catalog:
        """The stored catalog, reloaded only after a catalog import."""
        version = session.exec(
            select(func.max(AuditEntry.id)).where(col(AuditEntry.action).in_(["import_catalog"]))
        ).one()
        key = version or 0
        if self._catalog is None or self._catalog[0] != key:
            self._catalog = (key, ensure_catalog(session, now=self.clock.now()))
        return self._catalog[1]

    def _resolve(self, session: Session, message: InboxMessage) -> tuple[Person | None, Group | None]:
        sender_key = message.payload.get("sender_key", "userid")
        person = (
            org_repo.person_by_name(session, message.sender)
            if sender_key == "name"
            else org_repo.person_by_userid(session, message.sender)
        )
        if message.payload.get("direct"):
            return person, None
        conversation_key = message.payload.get("conversation_key", "name")
        group = (
            org_repo.group_by_name(session, message.conversation)
            if conversation_key == "name"
            else org_repo.group_by_binding(session, str(conversation_key), message.conversation, self.settings.bindings)
        )
        return person, group

    def _process(self, session: Session, message: InboxMessage) -> str | None:
        person, group = self._resolve(session, message)
        message.person_id = person.id if person is not None else None
        message.group_id = group.id if group is not None else None
        ctx = Context(
            session=session,
            now=self.clock.now(),
            settings=self.settings,
            catalog=self.catalog(session),
            actor=Actor(person, tuple(org_repo.current_roles(session, person.id))) if person and person.id else None,
            group=group,
            message=message,
        )
        intent = self._route(ctx, message)
        write_notices(session, ctx.notices, message=message, reply_group=group, now=ctx.now)
        message.state = "processed"
        message.intent = intent
        session.add(message)
        log.info("message %s from %s: %s", message.id, mask_text(message.sender), intent or "none")
        return intent

    def _route(self, ctx: Context, message: InboxMessage) -> str | None:
        if message.kind == "image":
            reports.receive_image(ctx, message)
            return "image"
        if message.kind == "location":
            reports.receive_location(ctx, message)
            return "location"
        intent = self._parse(ctx, message)
        if intent.kind is IntentKind.NONE:
            if self._mentions_bot(message.text):
                # An @-mention is a trigger: it gets an answer even when nothing in it could be read.
                ctx.reply(NotUnderstood())
                return "mention"
            return None
        bare_acknowledgement = intent.kind is IntentKind.ACCEPT and intent.ref is None
        if ctx.actor is None:
            if not bare_acknowledgement:
                ctx.reply(Unregistered())
            return intent.kind.value
        if ctx.group is None and not message.payload.get("direct"):
            # A group that is not in the organisation has no place: no role can act there (fail closed).
            if not bare_acknowledgement:
                ctx.reply(GroupUnknown())
            return intent.kind.value
        handler = ROUTER.handler_for(intent.kind)
        if handler is not None:
            handler(ctx, intent)
        if not ctx.replied and not (intent.kind is IntentKind.ACCEPT and intent.ref is None):
            # Every triggered message gets an answer, even when a rule had nothing to say.
            ctx.reply(Help(audience="grid"))
        return intent.kind.value

    def _mentions_bot(self, text: str) -> bool:
        return text.lstrip().startswith(("@" + self.settings.bot_name, "＠" + self.settings.bot_name))

    def _parse(self, ctx: Context, message: InboxMessage) -> Intent:
        digit = BARE_DIGIT.match(message.text)
        if digit and reports.open_question(ctx, "category") is not None:
            return Intent(kind=IntentKind.CHOOSE, fields=Fields(choice=int(digit.group(1))))
        return parse(message.text, local(message.sent_at), ctx.catalog)

    def _fail(self, inbox_id: int) -> None:
        """A message whose processing failed is kept, marked, and answered."""
        with Session(self.engine) as session:
            message = session.get(InboxMessage, inbox_id)
            if message is None:
                return
            message.state, message.error = "failed", "processing error (see log)"
            session.add(message)
            group = session.get(Group, message.group_id) if message.group_id else None
            write_notices(
                session,
                [Addressed(InternalError(), reply=True)],
                message=message,
                reply_group=group,
                now=self.clock.now(),
            )
            session.commit()
