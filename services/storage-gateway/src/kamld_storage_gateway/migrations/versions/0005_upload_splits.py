"""upload splits: a version's files staged in an upload session by a seeded split (split-files)

Revision ID: 0005_upload_splits
Revises: 0004_gc_holds
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_upload_splits"
down_revision: str | None = "0004_gc_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_splits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("source_digest", sa.String(length=71), nullable=False),
        sa.Column("test", sa.Float(), nullable=False),
        sa.Column("val", sa.Float(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("exclude", sa.Text(), nullable=False),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["upload_sessions.id"],
            name=op.f("fk_upload_splits_session_id_upload_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_splits")),
    )
    op.create_index(op.f("ix_upload_splits_session_id"), "upload_splits", ["session_id"])
    op.create_index(op.f("ix_upload_splits_staged_at"), "upload_splits", ["staged_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_upload_splits_staged_at"), table_name="upload_splits")
    op.drop_index(op.f("ix_upload_splits_session_id"), table_name="upload_splits")
    op.drop_table("upload_splits")
