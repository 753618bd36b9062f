"""Executing runs: spec, outcome and timing columns, run inputs, metrics.

Revision ID: 0002_run_execution
Revises: 0001_runs
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_run_execution"
down_revision: str | None = "0001_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("recipe", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("code", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("resources", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("executor", sa.String(length=16), nullable=False, server_default="local"))
        batch.add_column(sa.Column("creator", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("exit_code", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("output_version", sa.String(length=140), nullable=True))
        batch.add_column(sa.Column("bytes_downloaded", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("logged_params", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("final_metrics", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("retry_of", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("command_started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_runs_creator_seq", "runs", ["creator", "seq"])
    op.create_table(
        "run_inputs",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("run_seq", SEQ, nullable=False),
        sa.Column("artifact", sa.String(length=128), nullable=False),
        sa.Column("ref", sa.String(length=140), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_run_inputs")),
    )
    op.create_index("ix_run_inputs_artifact_run_seq", "run_inputs", ["artifact", "run_seq"])
    op.create_index("ix_run_inputs_ref_run_seq", "run_inputs", ["ref", "run_seq"])
    op.create_table(
        "run_metrics",
        sa.Column("seq", SEQ, autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_run_metrics")),
    )
    op.create_index("ix_run_metrics_run_id_key_step", "run_metrics", ["run_id", "key", "step"])


def downgrade() -> None:
    op.drop_index("ix_run_metrics_run_id_key_step", table_name="run_metrics")
    op.drop_table("run_metrics")
    op.drop_index("ix_run_inputs_ref_run_seq", table_name="run_inputs")
    op.drop_index("ix_run_inputs_artifact_run_seq", table_name="run_inputs")
    op.drop_table("run_inputs")
    op.drop_index("ix_runs_creator_seq", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        for column in (
            "finished_at",
            "command_started_at",
            "started_at",
            "retry_of",
            "cancel_requested",
            "final_metrics",
            "logged_params",
            "bytes_downloaded",
            "output_version",
            "exit_code",
            "error",
            "creator",
            "executor",
            "resources",
            "code",
            "recipe",
        ):
            batch.drop_column(column)
