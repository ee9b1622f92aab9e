"""indexes for the hot path and period figures: events by reporter, by town and time, by grid and time; history
by action and time

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

INDEXES = (
    ("ix_event_reporter_group", "event", ["reporter_id", "reported_in_group_id", "id"]),
    ("ix_event_town_created", "event", ["town_id", "created_at"]),
    ("ix_event_town_closed", "event", ["town_id", "closed_at"]),
    ("ix_event_grid_created", "event", ["grid_id", "created_at"]),
    ("ix_event_history_action_at", "event_history", ["action", "at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
