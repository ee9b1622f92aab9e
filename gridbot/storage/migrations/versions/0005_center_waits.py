"""when a center's wait began: an event's verification (待核查), a directive's current review (待审核)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10 10:00:00.000000

Rows already waiting get the moment from their history: the last 办结 of a resolved event, the last creation or
approval of a directive in review.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gridbot.storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("event", sa.Column("verify_since", gridbot.storage.types.UtcDateTime(), nullable=True))
    op.add_column("directive", sa.Column("review_since", gridbot.storage.types.UtcDateTime(), nullable=True))
    op.execute(
        "UPDATE event SET verify_since = (SELECT max(h.at) FROM event_history h"
        " WHERE h.event_id = event.id AND h.action = 'resolve') WHERE status = 'resolved'"
    )
    op.execute(
        "UPDATE directive SET review_since = (SELECT max(h.at) FROM directive_history h"
        " WHERE h.directive_id = directive.id AND h.action IN ('create', 'approve') AND h.task_id IS NULL)"
        " WHERE status = 'pending_review'"
    )


def downgrade() -> None:
    with op.batch_alter_table("directive") as batch:
        batch.drop_column("review_since")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("verify_since")
