"""artifacts.generation: a counter every write to an artifact advances, so readers can tell whether
what they cached about it is still current

Revision ID: 0002_artifact_generation
Revises: 0001_catalog
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_artifact_generation"
down_revision: str | None = "0001_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("artifacts") as batch:
        batch.add_column(sa.Column("generation", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("artifacts") as batch:
        batch.drop_column("generation")
