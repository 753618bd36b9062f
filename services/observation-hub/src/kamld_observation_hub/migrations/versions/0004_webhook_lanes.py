"""webhooks: deliveries queued ahead per artifact, and a failing webhook's probe schedule

Revision ID: 0004_webhook_lanes
Revises: 0003_webhooks
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_webhook_lanes"
down_revision: str | None = "0003_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("webhooks", sa.Column("queued_through", Id, nullable=False, server_default="0"))
    op.add_column("webhooks", sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("webhooks", sa.Column("probe_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("webhook_deliveries", sa.Column("artifact", sa.String(128), nullable=True))
    # Deliveries made before this revision are queued already: the webhook's queue starts after them.
    op.execute(
        "UPDATE webhooks SET queued_through = COALESCE("
        "(SELECT MAX(event_id) FROM webhook_deliveries WHERE webhook_id = webhooks.id), 0)"
    )
    op.execute("UPDATE webhooks SET queued_through = position WHERE queued_through < position")
    op.execute(
        "UPDATE webhook_deliveries SET artifact = "
        "(SELECT artifact FROM events WHERE events.id = webhook_deliveries.event_id)"
    )
    op.create_index(
        "ix_webhook_deliveries_webhook_id_status_event_id",
        "webhook_deliveries",
        ["webhook_id", "status", "event_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_webhook_id_status_event_id", table_name="webhook_deliveries")
    with op.batch_alter_table("webhook_deliveries") as table:
        table.drop_column("artifact")
    with op.batch_alter_table("webhooks") as table:
        table.drop_column("probe_at")
        table.drop_column("failures")
        table.drop_column("queued_through")
