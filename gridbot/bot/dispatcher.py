"""Incoming message → stored → sender and place resolved → parsed → governance → outbox, in one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from gridbot.bot import inbox
from gridbot.bot.card_answers import hold_for_passive_answer
from gridbot.bot.messages import IncomingMessage
from gridbot.clock import Clock
from gridbot.governance.conversation.rules import answer_message
from gridbot.governance.services import Governance
from gridbot.intents.catalog import Catalog
from gridbot.intents.masking import mask_text
from gridbot.notices import Addressed
from gridbot.notices.outbox import write_notices
from gridbot.notices.questions import InternalError
from gridbot.settings import Settings
from gridbot.storage import org_repo
from gridbot.storage.catalog_store import current_catalog
from gridbot.storage.models.events import InboxMessage
from gridbot.storage.models.org import Group, Person

log = logging.getLogger(__name__)


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
        return current_catalog(session, now=self.clock.now())

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
        now = self.clock.now()
        governance = Governance(session, self.settings, self.catalog(session))
        answered = answer_message(governance, message, person, group, now, bot_name=self.settings.bot_name)
        rows = write_notices(session, answered.notices, message=message, reply_group=group, now=now)
        hold_for_passive_answer(message, rows, now)
        message.state = "processed"
        message.intent = answered.outcome
        session.add(message)
        log.info("message %s from %s: %s", message.id, mask_text(message.sender), answered.outcome or "none")
        return answered.outcome

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
