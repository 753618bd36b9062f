"""indexing: index jobs written with each catalog change, and the files of every version

Revision ID: 0003_indexing
Revises: 0002_artifact_generation
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_indexing"
down_revision: str | None = "0002_artifact_generation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_jobs",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_after", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_jobs")),
    )
    op.create_index("ix_index_jobs_run_after", "index_jobs", ["run_after"])
    op.create_index("ix_index_jobs_kind_target_id", "index_jobs", ["kind", "target_id"])
    op.create_table(
        "version_files",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_version_files_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "path", name=op.f("pk_version_files")),
    )
    op.create_index("ix_version_files_digest", "version_files", ["digest"])


def downgrade() -> None:
    op.drop_index("ix_version_files_digest", table_name="version_files")
    op.drop_table("version_files")
    op.drop_index("ix_index_jobs_kind_target_id", table_name="index_jobs")
    op.drop_index("ix_index_jobs_run_after", table_name="index_jobs")
    op.drop_table("index_jobs")
