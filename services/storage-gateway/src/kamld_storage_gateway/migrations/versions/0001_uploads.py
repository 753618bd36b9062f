"""uploads: sessions, the chunks each stored, and the whole files the server chunked for it

Revision ID: 0001_uploads
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_uploads"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("manifest_digest", sa.String(length=71), nullable=True),
        sa.Column("file_count", sa.BigInteger(), nullable=True),
        sa.Column("total_bytes", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_sessions")),
    )
    op.create_index(op.f("ix_upload_sessions_expires_at"), "upload_sessions", ["expires_at"])
    op.create_index(op.f("ix_upload_sessions_committed_at"), "upload_sessions", ["committed_at"])
    op.create_table(
        "upload_chunks",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["upload_sessions.id"],
            name=op.f("fk_upload_chunks_session_id_upload_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "digest", name=op.f("pk_upload_chunks")),
    )
    op.create_index("ix_upload_chunks_digest", "upload_chunks", ["digest"])
    op.create_table(
        "upload_files",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=4096), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["upload_sessions.id"],
            name=op.f("fk_upload_files_session_id_upload_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "path", name=op.f("pk_upload_files")),
    )


def downgrade() -> None:
    op.drop_table("upload_files")
    op.drop_index("ix_upload_chunks_digest", table_name="upload_chunks")
    op.drop_table("upload_chunks")
    op.drop_index(op.f("ix_upload_sessions_committed_at"), table_name="upload_sessions")
    op.drop_index(op.f("ix_upload_sessions_expires_at"), table_name="upload_sessions")
    op.drop_table("upload_sessions")
