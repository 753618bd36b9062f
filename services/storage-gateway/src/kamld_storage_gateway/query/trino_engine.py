"""Trino, through the official ``trino`` client, reading versions over KAML-D's S3 endpoint.

Trino reads the bytes itself, from the read-only S3 endpoint its catalog (a Hive connector,
``deploy/trino/catalog/kamld.properties``) points at. For each query the engine makes a schema
of its own in that catalog holding, per resolved table, an external table over the version's
folder and a view of exactly the files the reference resolved to (:mod:`.trino_sql`); the query's
references are rewritten to those views, the query runs wrapped as a subquery (so Trino parses
nothing but a query), and the schema is dropped after. Dropping external tables removes their
definitions only; the S3 endpoint refuses every write in any case.

Limits: the session sets ``query_max_execution_time`` and ``query_max_memory``; the client cancels
the query when the time limit has passed by a grace period too, and stops fetching (cancelling
the rest) one row past the row limit.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pds
import trino
from trino.exceptions import Error as TrinoError
from trino.exceptions import HttpError, TrinoConnectionError, TrinoQueryError

from kamld_common.errors import Unavailable
from kamld_storage_gateway.query.engine import Limits, QueryFailed, QueryLimitReached, TableSource
from kamld_storage_gateway.query.trino_sql import (
    TableDDL,
    data_size,
    quote_identifier,
    rewrite_references,
    table_ddl,
    wrap,
)

FIELD = ["body", "sql"]
FETCH = 10_000
CANCEL_GRACE_S = 5.0
TIME_ERRORS = frozenset({"EXCEEDED_TIME_LIMIT"})
MEMORY_ERRORS = frozenset(
    {
        "EXCEEDED_GLOBAL_MEMORY_LIMIT",
        "EXCEEDED_LOCAL_MEMORY_LIMIT",
        "EXCEEDED_SPILL_LIMIT",
        "CLUSTER_OUT_OF_MEMORY",
    }
)
ARROW_TYPES: dict[str, pa.DataType] = {
    "boolean": pa.bool_(),
    "tinyint": pa.int8(),
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "real": pa.float32(),
    "double": pa.float64(),
    "varchar": pa.string(),
    "char": pa.string(),
    "varbinary": pa.binary(),
    "date": pa.date32(),
}


def arrow_type(trino_type: str) -> pa.DataType | None:
    """The Arrow type of a result column, or None to let Arrow infer it from the values."""
    base = trino_type.split("(", 1)[0].strip().lower()
    return ARROW_TYPES.get(base)


class TrinoEngine:
    name = "trino"

    def __init__(self, url: str, *, user: str = "kamld", catalog: str = "kamld") -> None:
        self.url = url
        self.user = user
        self.catalog = catalog

    def _connect(self, limits: Limits) -> Any:
        return trino.dbapi.connect(
            host=self.url,
            user=self.user,
            catalog=self.catalog,
            session_properties={
                "query_max_execution_time": f"{limits.time_s:g}s",
                "query_max_memory": data_size(limits.memory),
            },
            request_timeout=max(limits.time_s, 10.0) + CANCEL_GRACE_S,
        )

    def run(self, sql: str, tables: Sequence[TableSource], limits: Limits) -> pa.Table:
        schema = f"kamld_q_{secrets.token_hex(8)}"
        ddls = [
            table_ddl(self.catalog, schema, index, source.table, _schema_of(source))
            for index, source in enumerate(tables)
        ]
        query = wrap(
            rewrite_references(
                sql, {s.table.reference.text: d.view for s, d in zip(tables, ddls, strict=True)}
            )
        )
        connection = self._connect(limits)
        qualified = f"{quote_identifier(self.catalog)}.{quote_identifier(schema)}"
        try:
            try:
                if ddls:
                    self._setup(connection, qualified, ddls)
                return self._fetch(connection, query, limits)
            finally:
                if ddls:
                    self._teardown(connection, qualified, ddls)
        finally:
            connection.close()

    def _setup(self, connection: Any, schema: str, ddls: Sequence[TableDDL]) -> None:
        statements = [f"CREATE SCHEMA {schema}"]
        for ddl in ddls:
            statements += [ddl.create_table, ddl.create_view]
        for statement in statements:
            self._admin(connection, statement)

    def _teardown(self, connection: Any, schema: str, ddls: Sequence[TableDDL]) -> None:
        for statement in [s for ddl in ddls for s in ddl.drop] + [f"DROP SCHEMA IF EXISTS {schema}"]:
            try:
                self._admin(connection, statement)
            except Unavailable:
                continue

    def _admin(self, connection: Any, statement: str) -> None:
        cursor = connection.cursor()
        try:
            cursor.execute(statement)
            cursor.fetchall()
        except TrinoQueryError as exc:
            raise Unavailable(
                f"the Trino engine could not prepare the query's tables: {_first_line(exc.message)}"
            ) from None
        except (TrinoConnectionError, HttpError, OSError) as exc:
            raise Unavailable(f"the Trino engine is unreachable: {_first_line(str(exc))}") from None
        finally:
            cursor.close()

    def _fetch(self, connection: Any, query: str, limits: Limits) -> pa.Table:
        cursor = connection.cursor()
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            _cancel(cursor)

        timer = threading.Timer(limits.time_s + CANCEL_GRACE_S, stop)
        timer.start()
        try:
            cursor.execute(query)
            batches = list(_batches(cursor, limits.max_rows + 1))
            if fired.is_set():  # a cancelled query ends its rows early, without an error
                raise _time_limit(limits)
            names = [column[0] for column in cursor.description or []]
            types = [column[1] for column in cursor.description or []]
            return _table(names, types, batches)
        except TrinoQueryError as exc:
            if exc.error_name in TIME_ERRORS or fired.is_set():
                raise _time_limit(limits) from None
            if exc.error_name in MEMORY_ERRORS:
                raise QueryLimitReached(
                    f"the query needs more than its memory limit of {limits.memory}",
                    field=FIELD,
                    code="query_memory_limit",
                    extra={"memory_limit": limits.memory},
                ) from None
            raise QueryFailed(_first_line(exc.message), field=FIELD) from None
        except (TrinoConnectionError, HttpError, OSError) as exc:
            if fired.is_set():
                raise _time_limit(limits) from None
            raise Unavailable(f"the Trino engine is unreachable: {_first_line(str(exc))}") from None
        except TrinoError as exc:
            raise QueryFailed(_first_line(str(exc)), field=FIELD) from None
        finally:
            timer.cancel()
            _cancel(cursor)


def _time_limit(limits: Limits) -> QueryLimitReached:
    return QueryLimitReached(
        f"the query was stopped after its time limit of {limits.time_s:g} s",
        field=FIELD,
        code="query_time_limit",
        extra={"time_limit_s": limits.time_s},
    )


def _schema_of(source: TableSource) -> pa.Schema:
    """The column names and types the in-process reader infers (for CSV: from its first block)."""
    opened = source.open()
    if isinstance(opened, (pa.Table, pds.Dataset)):
        return opened.schema
    raise TypeError(f"not a table: {type(opened)!r}")


def _batches(cursor: Any, most: int) -> Iterator[list[Sequence[Any]]]:
    """Result rows a page at a time, at most ``most`` of them; the rest is never fetched."""
    taken = 0
    while taken < most:
        rows = cursor.fetchmany(min(FETCH, most - taken))
        if not rows:
            return
        taken += len(rows)
        yield rows


def _table(names: list[str], types: list[str], batches: list[list[Sequence[Any]]]) -> pa.Table:
    rows = [row for batch in batches for row in batch]
    columns = []
    for index, type_name in enumerate(types):
        values = [row[index] for row in rows]
        wanted = arrow_type(str(type_name))
        columns.append(pa.array(values, type=wanted) if wanted is not None else pa.array(values))
    return pa.Table.from_arrays(columns, names=_unique(names))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}_{count}")
    return out


def _cancel(cursor: Any) -> None:
    try:
        cursor.cancel()
    except Exception:  # noqa: BLE001 - cancelling a finished or failed query may fail; nothing to undo
        return


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0][:500] if message and message.strip() else "the query failed"
