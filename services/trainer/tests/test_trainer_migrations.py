"""The trainer's migrations build exactly the tables its models describe, and the outbox migration
keeps the runs recorded before it (and can be undone)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from kamld_common.db import Database, alembic_config
from kamld_trainer.app import MIGRATIONS
from kamld_trainer.db import Base

HEAD = "0003_outbox"


def test_single_head() -> None:
    assert ScriptDirectory.from_config(alembic_config(MIGRATIONS)).get_heads() == [HEAD]


async def test_migrated_schema_matches_models(database_url: str) -> None:
    database = Database(database_url, MIGRATIONS)
    await database.migrate()

    def differences(connection):  # noqa: ANN001, ANN202 - run_sync's callback
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata), context.get_current_revision()

    try:
        async with database.engine.connect() as connection:
            diff, revision = await connection.run_sync(differences)
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await database.dispose()
    assert revision == HEAD
    assert diff == []
    assert {"runs", "outbox", "outbox_lease"} <= tables


def test_the_outbox_is_added_to_a_trainer_that_has_runs_and_removed_again(tmp_path: Path) -> None:
    path = tmp_path / "trainer.db"
    config = alembic_config(MIGRATIONS, f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0002_run_execution")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO runs (id, name, artifact, inputs, command, params, status, created_at, "
                "updated_at, logged_params, final_metrics, bytes_downloaded, cancel_requested) VALUES "
                "(:id, 'old', 'faces-model', '[]', '[]', '{}', 'succeeded', :now, :now, '{}', '{}', 0, 0)"
            ),
            {"id": "0" * 32, "now": "2026-01-01 00:00:00"},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, trace_id, cancelled_by FROM runs")).all()
        assert [tuple(row) for row in rows] == [("old", None, None)]
        assert connection.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
    command.downgrade(config, "0002_run_execution")
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        columns = {column["name"] for column in inspect(connection).get_columns("runs")}
        kept = connection.execute(text("SELECT name FROM runs")).all()
    engine.dispose()
    assert "outbox" not in tables and "outbox_lease" not in tables
    assert "trace_id" not in columns and "cancelled_by" not in columns
    assert [tuple(row) for row in kept] == [("old",)]
