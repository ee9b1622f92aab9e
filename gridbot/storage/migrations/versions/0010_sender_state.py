"""sender state: parts sent, claims by instance, parked rows, shared pacing, used reply handles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

from gridbot.storage.types import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    # Rows given up on before (failed, undeliverable) are parked now: listed, alerted, retryable.
    op.execute("UPDATE outbox_message SET state = 'parked' WHERE state IN ('failed', 'undeliverable')")

    op.create_table(
        "sender_instance",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("heartbeat_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sender_instance_heartbeat_at"), "sender_instance", ["heartbeat_at"], unique=False)
    op.create_table(
        "pacing_bucket",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("posted", sa.JSON(), nullable=False),
        sa.Column("blocked_until", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "used_reply_handle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("used_reply_handle")
    op.drop_table("pacing_bucket")
    op.drop_index(op.f("ix_sender_instance_heartbeat_at"), table_name="sender_instance")
    op.drop_table("sender_instance")
    op.execute("UPDATE outbox_message SET state = 'failed' WHERE state = 'parked'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("parts_sent")
