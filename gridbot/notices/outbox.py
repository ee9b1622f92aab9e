"""Notices into outbox rows, inside the transaction of the change that caused them: rendered, masked, addressed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from gridbot.intents.masking import mask_text
from gridbot.notices import Addressed, render
from gridbot.storage.models.events import InboxMessage, OutboxMessage
from gridbot.storage.models.org import Group, Person


def write_notices(
    session: Session,
    notices: Sequence[Addressed],
    *,
    message: InboxMessage | None,
    reply_group: Group | None,
    now: datetime,
) -> list[OutboxMessage]:
    """One outbox row per notice, text rendered and masked; replies go back where the message came from."""
    rows: list[OutboxMessage] = []
    for notice in notices:
        if notice.reply:
            group = reply_group
            conversation = group.name if group is not None else (message.conversation if message else "")
        else:
            group = session.get(Group, notice.group_id) if notice.group_id is not None else None
            if group is None:
                continue
            conversation = group.name
        people = [session.get(Person, person_id) for person_id in notice.mentions]
        row = OutboxMessage(
            group_id=group.id if group is not None else None,
            conversation=conversation,
            text=mask_text(render(notice.notice)),
            image_png=notice.notice.attachment(),
            mentions=[p.name for p in people if p is not None],
            mention_userids=[p.userid for p in people if p is not None and p.userid],
            in_reply_to=message.id if notice.reply and message is not None else None,
            reply_channel=message.channel if notice.reply and message is not None and group is None else None,
            template=notice.notice.key,
            buttons=[[button.text, button.command] for button in notice.notice.buttons()],
            created_at=now,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows
