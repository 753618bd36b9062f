"""Row-level diff of one table between two versions, computed by DuckDB over both files read
through storage-gateway (ranged reads), with a memory limit (DuckDB spills what does not fit).

With a key column, rows are matched by key: added, removed, and changed (same key, some common
column differs). Without one, whole rows are compared (as multisets): added and removed. Schema
changes (columns added, removed, retyped) are reported apart; rows are compared on the columns
both versions have. Changes are ordered (by key, or by row) and paged by offset.
"""

from __future__ import annotations

import asyncio

import duckdb

from kamld_common.db import Database
from kamld_common.errors import Invalid, NotFound
from kamld_metadata_hub.models import VersionFile
from kamld_metadata_hub.profiles.remote import StorageGatewayFileSystem, remote_path
from kamld_metadata_hub.profiles.tabular import READERS, plain_value, quote_identifier, table_format
from kamld_metadata_hub.references import Reference, parse_version_selector, version_ref
from kamld_metadata_hub.rowdiff.schemas import (
    ColumnType,
    Retyped,
    RowChange,
    RowCounts,
    RowDiffView,
    SchemaChanges,
)
from kamld_metadata_hub.versions.service import VersionResolver

MAX_OFFSET = 10_000_000


def _reader(fmt: str, url: str) -> str:
    return READERS["." + ("ndjson" if fmt == "jsonl" else fmt)].format(
        path="'" + url.replace("'", "''") + "'"
    )


class RowDiffService:
    def __init__(self, database: Database, storage_url: str, internal_token: str | None, memory: str) -> None:
        self.database = database
        self.storage_url = storage_url
        self.internal_token = internal_token
        self.memory = memory

    async def diff(
        self, name: str, from_ref: str, to_ref: str, path: str, key: str | None, after: str | None, limit: int
    ) -> RowDiffView:
        for text, field in ((path, "path"), (key or "", "key")):
            if "\x00" in text:
                raise Invalid(f"{field} must not contain NUL characters", field=["query", field])
        fmt = table_format(path)
        if fmt is None:
            raise Invalid(f"{path!r} is not a CSV, TSV, Parquet or JSON Lines file", field=["query", "path"])
        offset = 0
        if after:
            if not (after.isascii() and after.isdigit()) or int(after) > MAX_OFFSET:
                raise Invalid(f"cursor {after!r} is not one this list answered", field=["query", "after"])
            offset = int(after)
        ends = []
        async with self.database.unit_of_work() as session:
            resolver = VersionResolver(session)
            for ref, field in ((from_ref, "from"), (to_ref, "to")):
                reference = Reference(artifact=name, selector=parse_version_selector(ref, ["query", field]))
                artifact, version = await resolver.reference(reference, ["query", field])
                entry = await session.get(VersionFile, (version.id, path))
                ends.append((version_ref(artifact.name, version.number), version.digest, entry, field))
        for vref, _, entry, field in ends:
            if entry is None:
                raise NotFound(
                    f"{vref} has no file {path!r} (or its file list is still being indexed)",
                    code="file_not_found",
                    extra={"ref": vref, "path": path, "field": ["query", field]},
                )
        (old_ref, old_digest, _, _), (new_ref, new_digest, _, _) = ends
        result = await asyncio.to_thread(
            self._compute,
            fmt,
            remote_path(old_digest, path),
            remote_path(new_digest, path),
            key,
            offset,
            limit,
        )
        schema, counts, items, more = result
        return RowDiffView(
            from_ref=old_ref,
            to_ref=new_ref,
            path=path,
            key=key,
            schema_changes=schema,
            counts=counts,
            items=items,
            next=str(offset + limit) if more else None,
        )

    def _compute(
        self, fmt: str, old_url: str, new_url: str, key: str | None, offset: int, limit: int
    ) -> tuple[SchemaChanges, RowCounts, list[RowChange], bool]:
        fs = StorageGatewayFileSystem(self.storage_url, self.internal_token, skip_instance_cache=True)
        connection = duckdb.connect(
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "memory_limit": self.memory,
                "threads": 1,
            }
        )
        try:
            connection.register_filesystem(fs)
            try:
                connection.sql(f"CREATE VIEW old_t AS SELECT * FROM {_reader(fmt, old_url)}")
                connection.sql(f"CREATE VIEW new_t AS SELECT * FROM {_reader(fmt, new_url)}")
                old_cols = [(r[0], r[1]) for r in connection.sql("DESCRIBE old_t").fetchall()]
                new_cols = [(r[0], r[1]) for r in connection.sql("DESCRIBE new_t").fetchall()]
            except duckdb.Error as exc:
                raise Invalid(
                    f"the file does not parse as {fmt}: {str(exc).strip().splitlines()[0]}"[:500],
                    field=["query", "path"],
                    code="unreadable_table",
                ) from exc
            old_types, new_types = dict(old_cols), dict(new_cols)
            schema = SchemaChanges(
                added=[ColumnType(name=n, type=t) for n, t in new_cols if n not in old_types],
                removed=[ColumnType(name=n, type=t) for n, t in old_cols if n not in new_types],
                retyped=[
                    Retyped(name=n, old=old_types[n], new=t)
                    for n, t in new_cols
                    if n in old_types and old_types[n] != t
                ],
            )
            common = [n for n, _ in new_cols if n in old_types]
            if key is not None and (key not in old_types or key not in new_types):
                raise Invalid(
                    f"key column {key!r} is not in both versions of the table", field=["query", "key"]
                )
            if key is None:
                return (schema, *self._whole_rows(connection, common, offset, limit))
            return (schema, *self._keyed(connection, common, key, offset, limit))
        finally:
            connection.close()
            fs.close()

    @staticmethod
    def _whole_rows(
        connection: duckdb.DuckDBPyConnection, common: list[str], offset: int, limit: int
    ) -> tuple[RowCounts, list[RowChange], bool]:
        columns = ", ".join(quote_identifier(c) for c in common)
        added = f"SELECT {columns} FROM new_t EXCEPT ALL SELECT {columns} FROM old_t"
        removed = f"SELECT {columns} FROM old_t EXCEPT ALL SELECT {columns} FROM new_t"
        connection.sql(
            "CREATE TEMP TABLE changes AS "
            f"SELECT 'added' AS change, * FROM ({added}) "
            f"UNION ALL SELECT 'removed' AS change, * FROM ({removed})"
        )
        counts = dict(connection.sql("SELECT change, count(*) FROM changes GROUP BY change").fetchall())
        rows = connection.sql(
            f"SELECT * FROM changes ORDER BY {columns}, change LIMIT {limit + 1} OFFSET {offset}"
        ).fetchall()
        items = []
        for row in rows[:limit]:
            values = {c: plain_value(v) for c, v in zip(common, row[1:], strict=True)}
            items.append(
                RowChange(
                    change=row[0],
                    old=values if row[0] == "removed" else None,
                    new=values if row[0] == "added" else None,
                    columns=[],
                )
            )
        return (
            RowCounts(added=counts.get("added", 0), removed=counts.get("removed", 0), changed=0),
            items,
            len(rows) > limit,
        )

    @staticmethod
    def _keyed(
        connection: duckdb.DuckDBPyConnection, common: list[str], key: str, offset: int, limit: int
    ) -> tuple[RowCounts, list[RowChange], bool]:
        k = quote_identifier(key)
        others = [c for c in common if c != key]
        old_sel = ", ".join(f"o.{quote_identifier(c)} AS {quote_identifier('o_' + c)}" for c in common)
        new_sel = ", ".join(f"n.{quote_identifier(c)} AS {quote_identifier('n_' + c)}" for c in common)
        differs = " OR ".join(
            f"o.{quote_identifier(c)} IS DISTINCT FROM n.{quote_identifier(c)}" for c in others
        )
        # A marker column tells a missing row from a row whose key is null.
        change = (
            "CASE WHEN o.kamld_old IS NULL THEN 'added' WHEN n.kamld_new IS NULL THEN 'removed' "
            "ELSE 'changed' END"
        )
        connection.sql(
            f"CREATE TEMP TABLE changes AS SELECT {change} AS change, "
            f"coalesce(n.{k}, o.{k}) AS diff_key, {old_sel}, {new_sel} "
            f"FROM (SELECT *, true AS kamld_old FROM old_t) o "
            f"FULL OUTER JOIN (SELECT *, true AS kamld_new FROM new_t) n ON o.{k} = n.{k} "
            "WHERE o.kamld_old IS NULL OR n.kamld_new IS NULL" + (f" OR {differs}" if differs else "")
        )
        counts = dict(connection.sql("SELECT change, count(*) FROM changes GROUP BY change").fetchall())
        rows = connection.sql(
            f"SELECT * FROM changes ORDER BY diff_key, change LIMIT {limit + 1} OFFSET {offset}"
        ).fetchall()
        items = []
        width = len(common)
        for row in rows[:limit]:
            change, diff_key = row[0], row[1]
            old = {c: plain_value(v) for c, v in zip(common, row[2 : 2 + width], strict=True)}
            new = {c: plain_value(v) for c, v in zip(common, row[2 + width :], strict=True)}
            items.append(
                RowChange(
                    change=change,
                    key=plain_value(diff_key),
                    old=None if change == "added" else old,
                    new=None if change == "removed" else new,
                    columns=[c for c in others if old[c] != new[c]] if change == "changed" else [],
                )
            )
        return (
            RowCounts(
                added=counts.get("added", 0),
                removed=counts.get("removed", 0),
                changed=counts.get("changed", 0),
            ),
            items,
            len(rows) > limit,
        )
