"""S3 access keys of API tokens: an access key id and the secret SigV4 needs to check signatures.

Revision ID: 0002_s3_access_keys
Revises: 0001_tokens
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_s3_access_keys"
down_revision: str | None = "0001_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("s3_access_key_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("s3_secret_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f("uq_api_tokens_s3_access_key_id"), ["s3_access_key_id"])


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("uq_api_tokens_s3_access_key_id"), type_="unique")
        batch.drop_column("s3_secret_key")
        batch.drop_column("s3_access_key_id")
