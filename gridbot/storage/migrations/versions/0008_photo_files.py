"""photo files: the images a message carries, fetched and kept by sha256; an event's photo names its file

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-04 10:00:00.000000

Photos attached before this revision keep `photo_file_id` NULL: they count as they did (a channel without files).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import gridbot.storage.types

revision: str = "0008"
down_revision: str | None = "0006"  # 0007 is made on another branch; the merge chains them
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_PHOTO_FILE_FK = "fk_event_photo_photo_file_id_photo_file"


def upgrade() -> None:
    op.create_table(
        "photo_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbox_message_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("locator", sa.Text(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("fetched_at", gridbot.storage.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["inbox_message_id"], ["inbox_message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inbox_message_id", "position"),
    )
    with op.batch_alter_table("photo_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photo_file_sha256"), ["sha256"], unique=False)

    with op.batch_alter_table("event_photo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_file_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(EVENT_PHOTO_FILE_FK, "photo_file", ["photo_file_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("event_photo", schema=None) as batch_op:
        batch_op.drop_constraint(EVENT_PHOTO_FILE_FK, type_="foreignkey")
        batch_op.drop_column("photo_file_id")

    with op.batch_alter_table("photo_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photo_file_sha256"))

    op.drop_table("photo_file")
