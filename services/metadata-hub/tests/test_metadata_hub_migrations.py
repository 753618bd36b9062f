"""The one Alembic migration builds exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from kamld_common.db import alembic_config
from kamld_metadata_hub.app import MIGRATIONS
from kamld_metadata_hub.db import Base


def test_single_head():
    heads = ScriptDirectory.from_config(alembic_config(MIGRATIONS)).get_heads()
    assert heads == ["0001_catalog"]


async def test_migrated_schema_matches_models(database):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata), context.get_current_revision()

    async with database.engine.connect() as connection:
        diff, revision = await connection.run_sync(differences)
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert revision == "0001_catalog"
    assert diff == []
    assert {"artifacts", "versions", "aliases", "alias_events", "version_parents", "version_inputs"} <= tables


async def test_migrate_twice_is_a_no_op(database):
    await database.migrate()
