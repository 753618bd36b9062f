"""The two SQL engines: SQLite FTS5 (the embedded default) and PostgreSQL full-text search.

Both keep the documents in ``search_docs`` and each artifact's kind and labels once in
``search_artifacts`` / ``search_labels``; they differ in the text index (an FTS5 table kept in step
by triggers; a stored ``tsvector`` column under GIN, with a trigram index on paths) and in how a
:class:`~kamld_metadata_hub.search.query.Query` is compiled. The tables belong to the engine, not
to the catalog's migrations: the engine may live in another database, and a rebuild drops them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from kamld_common.db import create_engine
from kamld_metadata_hub.search.protocol import (
    ArtifactFacts,
    DocType,
    Facets,
    SearchDocument,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from kamld_metadata_hub.search.query import to_fts5, to_tsquery

LABEL_FACETS = 50
BATCH = 2000

COMMON_TABLES = [
    "CREATE TABLE IF NOT EXISTS search_artifacts (artifact TEXT PRIMARY KEY, kind TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_labels (artifact TEXT NOT NULL, key TEXT NOT NULL, "
    "value TEXT NOT NULL, PRIMARY KEY (artifact, key))",
    "CREATE INDEX IF NOT EXISTS ix_search_labels_key_value ON search_labels (key, value)",
]

SQLITE_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS search_docs (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
    "type TEXT NOT NULL, artifact TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER, path TEXT, "
    "title TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_search_docs_artifact ON search_docs (artifact)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, content='search_docs', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS search_docs_ai AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_docs_ad AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_docs_au AFTER UPDATE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    *COMMON_TABLES,
]

# Words are runs of letters and digits, as SQLite's unicode61 tokenizer and query.words_of cut them.
PG_WORDS = "regexp_replace({0}, '[^[:alnum:]]+', ' ', 'g')"
POSTGRES_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS search_docs (id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
    "type TEXT NOT NULL, artifact TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER, path TEXT, "
    "title TEXT NOT NULL, body TEXT NOT NULL, tsv tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('simple', {PG_WORDS.format('title')}), 'A') || "
    f"setweight(to_tsvector('simple', {PG_WORDS.format('body')}), 'B')) STORED)",
    "CREATE INDEX IF NOT EXISTS ix_search_docs_tsv ON search_docs USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS ix_search_docs_path_trgm ON search_docs USING gin (path gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_search_docs_artifact ON search_docs (artifact)",
    *COMMON_TABLES,
]

DROP = ["DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_docs"] + [
    f"DROP TABLE IF EXISTS {table}" for table in ("search_labels", "search_artifacts")
]

UPSERT = (
    "INSERT INTO search_docs (key, type, artifact, kind, version, path, title, body) "
    "VALUES (:key, :type, :artifact, :kind, :version, :path, :title, :body) "
    "ON CONFLICT (key) DO UPDATE SET type = excluded.type, artifact = excluded.artifact, "
    "kind = excluded.kind, version = excluded.version, path = excluded.path, title = excluded.title, "
    "body = excluded.body WHERE search_docs.title <> excluded.title OR search_docs.body <> excluded.body "
    "OR search_docs.kind <> excluded.kind"
)

COLUMNS = "d.key, d.type, d.artifact, d.kind, d.version, d.path, d.title, d.body"


class SqlSearchIndex:
    """Shared by both SQL engines: writes, filters, paging and facets; subclasses match and rank."""

    name = "sql"
    schema: list[str] = []

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)

    def unavailable(self, exc: BaseException) -> SearchUnavailable:
        return SearchUnavailable(self.name, type(exc).__name__)

    async def _run(self, work: Any) -> Any:
        try:
            async with self.engine.begin() as conn:
                return await work(conn)
        except (OSError, OperationalError, InterfaceError) as exc:
            raise self.unavailable(exc) from exc
        except DBAPIError as exc:
            # A connection refused or cut arrives as a bare DBAPIError; SQL errors have subclasses.
            if exc.connection_invalidated or type(exc) is DBAPIError:
                raise self.unavailable(exc) from exc
            raise

    async def start(self) -> None:
        async def work(conn: AsyncConnection) -> None:
            for statement in self.schema:
                await conn.execute(text(statement))

        await self._run(work)

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(text("SELECT 1"))

        await self._run(work)

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        rows = [
            {
                "key": doc.key,
                "type": doc.type.value,
                "artifact": doc.artifact,
                "kind": doc.kind,
                "version": doc.version,
                "path": doc.path,
                "title": doc.title,
                "body": doc.body,
            }
            for doc in documents
        ]

        async def work(conn: AsyncConnection) -> None:
            for start in range(0, len(rows), BATCH):
                await conn.execute(text(UPSERT), rows[start : start + BATCH])

        if rows:
            await self._run(work)

    async def set_artifact(self, facts: ArtifactFacts) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(
                text(
                    "INSERT INTO search_artifacts (artifact, kind) VALUES (:artifact, :kind) "
                    "ON CONFLICT (artifact) DO UPDATE SET kind = excluded.kind"
                ),
                {"artifact": facts.artifact, "kind": facts.kind},
            )
            await conn.execute(
                text("DELETE FROM search_labels WHERE artifact = :artifact"), {"artifact": facts.artifact}
            )
            if facts.labels:
                await conn.execute(
                    text("INSERT INTO search_labels (artifact, key, value) VALUES (:artifact, :key, :value)"),
                    [{"artifact": facts.artifact, "key": k, "value": v} for k, v in facts.labels.items()],
                )

        await self._run(work)

    async def reset(self) -> None:
        async def work(conn: AsyncConnection) -> None:
            for statement in DROP:
                await conn.execute(text(statement))

        await self._run(work)
        await self.start()

    async def publish(self) -> None:
        """Nothing to swap: a SQL engine rebuilds its tables in place."""

    def matches(self, request: SearchRequest) -> tuple[str, str, dict[str, Any]]:
        """(FROM-and-WHERE fragment selecting matching ``d``, the score expression, parameters)."""
        raise NotImplementedError

    def _filtered(self, request: SearchRequest) -> tuple[str, str, dict[str, Any], list[Any]]:
        source, score, params = self.matches(request)
        expanding: list[Any] = []
        if request.types:
            source += " AND d.type IN :types"
            params["types"] = sorted(t.value for t in request.types)
            expanding.append(bindparam("types", expanding=True))
        if request.kind:
            source += " AND d.kind = :kind"
            params["kind"] = request.kind
        for index, (key, value) in enumerate(sorted(request.labels.items())):
            condition = f"key = :label_key_{index}"
            params[f"label_key_{index}"] = key
            if value is not None:
                condition += f" AND value = :label_value_{index}"
                params[f"label_value_{index}"] = value
            source += f" AND d.artifact IN (SELECT artifact FROM search_labels WHERE {condition})"
        return source, score, params, expanding

    async def search(self, request: SearchRequest) -> SearchResult:
        source, score, params, expanding = self._filtered(request)

        def statement(sql: str) -> Any:
            return text(sql).bindparams(*expanding) if expanding else text(sql)

        labelled = source.replace(" WHERE ", " JOIN search_labels l ON l.artifact = d.artifact WHERE ", 1)

        async def work(conn: AsyncConnection) -> SearchResult:
            rows = await conn.execute(
                statement(
                    f"SELECT {COLUMNS}, {score} AS score {source} "
                    "ORDER BY lower(d.title) = :exact DESC, score DESC, d.key LIMIT :limit OFFSET :offset"
                ),
                {
                    **params,
                    "exact": request.text.strip().lower(),
                    "limit": request.limit,
                    "offset": request.offset,
                },
            )
            hits = [
                (
                    SearchDocument(
                        key=row.key,
                        type=DocType(row.type),
                        artifact=row.artifact,
                        kind=row.kind,
                        version=row.version,
                        path=row.path,
                        title=row.title,
                        body=row.body,
                    ),
                    float(row.score),
                )
                for row in rows
            ]
            kinds = {
                kind: count
                for kind, count in await conn.execute(
                    statement(f"SELECT d.kind, count(*) {source} GROUP BY d.kind"), params
                )
            }
            labels = {
                (key, value): count
                for key, value, count in await conn.execute(
                    statement(
                        f"SELECT l.key, l.value, count(*) AS n {labelled} "
                        f"GROUP BY l.key, l.value ORDER BY n DESC, l.key, l.value LIMIT {LABEL_FACETS}"
                    ),
                    params,
                )
            }
            return SearchResult(hits=hits, total=sum(kinds.values()), facets=Facets(kinds, labels))

        result: SearchResult = await self._run(work)
        return result


class SqliteSearchIndex(SqlSearchIndex):
    name = "sqlite"
    schema = SQLITE_SCHEMA

    def matches(self, request: SearchRequest) -> tuple[str, str, dict[str, Any]]:
        return (
            "FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH :match",
            "-bm25(search_fts, 4.0, 1.0)",
            {"match": to_fts5(request.query)},
        )


class PostgresSearchIndex(SqlSearchIndex):
    name = "postgresql"
    schema = POSTGRES_SCHEMA

    def matches(self, request: SearchRequest) -> tuple[str, str, dict[str, Any]]:
        params: dict[str, Any] = {"tsquery": to_tsquery(request.query)}
        condition = "d.tsv @@ to_tsquery('simple', :tsquery)"
        fragment = request.path_fragment
        if fragment is not None:
            # A bare term with a path's punctuation also finds paths that contain it anywhere
            # (``ats/00``), through the trigram index.
            condition = f"({condition} OR d.path ILIKE :path_pattern)"
            params["path_pattern"] = (
                "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        return (
            f"FROM search_docs d WHERE {condition}",
            "ts_rank_cd(d.tsv, to_tsquery('simple', :tsquery))",
            params,
        )
