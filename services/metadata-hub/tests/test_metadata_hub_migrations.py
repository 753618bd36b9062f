"""The Alembic migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from kamld_common.db import alembic_config
from kamld_metadata_hub.app import MIGRATIONS
from kamld_metadata_hub.db import Base

HEAD = "0006_alias_policies"


def _alembic_owned(obj, name, type_, reflected, compare_to) -> bool:
    """The search engine creates its own ``search_*`` tables (see ``search/sql.py``), outside Alembic."""
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (table_name or "").startswith("search_")


def test_single_head():
    heads = ScriptDirectory.from_config(alembic_config(MIGRATIONS)).get_heads()
    assert heads == [HEAD]


async def test_migrated_schema_matches_models(database):
    def differences(connection):
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _alembic_owned}
        )
        return compare_metadata(context, Base.metadata), context.get_current_revision()

    async with database.engine.connect() as connection:
        diff, revision = await connection.run_sync(differences)
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert revision == HEAD
    assert diff == []
    assert {"artifacts", "versions", "aliases", "alias_events", "version_parents", "version_inputs"} <= tables


async def test_migrate_twice_is_a_no_op(database):
    await database.migrate()


def test_generation_is_added_to_a_catalog_that_has_artifacts(tmp_path):
    """A catalog created before artifacts had a generation keeps its rows, each at generation 0."""
    from alembic import command
    from sqlalchemy import create_engine, text

    path = tmp_path / "catalog.db"
    config = alembic_config(MIGRATIONS, f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0001_catalog")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO artifacts (name, kind, description, created_at, created_by, updated_at, "
                "archived, next_number) VALUES ('faces', 'dataset', '', :now, 'ann', :now, 0, 1)"
            ),
            {"now": "2026-01-01 00:00:00"},
        )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT name, generation FROM artifacts")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("faces", 0)]
