"""pending chunks: chunks uploaded but not yet named by a committed manifest, which are not served

Revision ID: 0002_pending_chunks
Revises: 0001_uploads
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_pending_chunks"
down_revision: str | None = "0001_uploads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_chunks",
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_pending_chunks")),
    )


def downgrade() -> None:
    op.drop_table("pending_chunks")
