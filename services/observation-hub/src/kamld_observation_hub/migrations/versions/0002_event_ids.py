"""events: the producer's event id (idempotent ingestion), artifact, before/after, trace id, source

Revision ID: 0002_event_ids
Revises: 0001_events
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_event_ids"
down_revision: str | None = "0001_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("event_id", sa.String(36), nullable=True))
        batch.add_column(sa.Column("artifact", sa.String(128), nullable=True))
        batch.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("after", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("trace_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("source", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_events_event_id", ["event_id"])
    op.create_index("ix_events_artifact_id", "events", ["artifact", "id"])
    op.create_index("ix_events_actor_id", "events", ["actor", "id"])
    op.create_index("ix_events_recorded_at", "events", ["recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_events_recorded_at", table_name="events")
    op.drop_index("ix_events_actor_id", table_name="events")
    op.drop_index("ix_events_artifact_id", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint("uq_events_event_id", type_="unique")
        for column in ("source", "trace_id", "after", "before", "artifact", "event_id"):
            batch.drop_column(column)
