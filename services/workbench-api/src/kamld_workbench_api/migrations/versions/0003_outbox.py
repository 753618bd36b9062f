"""outbox: token events (and read audit) committed with the changes they describe, until delivered

Revision ID: 0003_outbox
Revises: 0002_s3_access_keys
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from kamld_common.outbox import create_outbox_tables

revision: str = "0003_outbox"
down_revision: str | None = "0002_s3_access_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_tables(op)


def downgrade() -> None:
    op.drop_table("outbox_lease")
    op.drop_table("outbox")
