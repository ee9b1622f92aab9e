"""event index by reporter and group

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 19:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_reporter_group", "event", ["reporter_id", "reported_in_group_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_event_reporter_group", table_name="event")
