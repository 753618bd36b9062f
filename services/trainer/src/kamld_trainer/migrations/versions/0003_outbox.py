"""outbox: run events committed with the run's status change, until delivered

Revision ID: 0003_outbox
Revises: 0002_run_execution
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from kamld_common.outbox import create_outbox_tables

revision: str = "0003_outbox"
down_revision: str | None = "0002_run_execution"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_tables(op)
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("trace_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(length=256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("cancelled_by")
        batch.drop_column("trace_id")
    op.drop_table("outbox_lease")
    op.drop_table("outbox")
