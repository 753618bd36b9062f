"""Search: parse the query, ask the engine, shape hits with highlights and facets."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Invalid
from kamld_metadata_hub.artifacts.service import parse_label_filters
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.indexing.jobs import JobKind, JobQueue, enqueue
from kamld_metadata_hub.search.highlight import highlights
from kamld_metadata_hub.search.protocol import DocType, SearchIndex, SearchRequest
from kamld_metadata_hub.search.query import parse_query
from kamld_metadata_hub.search.schemas import (
    HighlightView,
    IndexStatusView,
    LabelFacet,
    ReindexView,
    SearchFacets,
    SearchHitView,
    SearchPage,
)

MAX_OFFSET = 10_000
PATH_PUNCTUATION = ("/", ".")


def parse_offset(after: str | None) -> int:
    if after is None or after == "":
        return 0
    if not (after.isascii() and after.isdigit()) or int(after) > MAX_OFFSET:
        raise Invalid(
            f"cursor {after!r} is not one this list answered", field=["query", "after"], code="unknown_cursor"
        )
    return int(after)


def path_fragment(text: str) -> str | None:
    """A single bare term that looks like part of a path (``ats/00``), else None."""
    term = text.strip()
    if len(term) < 3 or any(c.isspace() for c in term) or term[0] in '-"' or "*" in term:
        return None
    return term if any(mark in term for mark in PATH_PUNCTUATION) else None


def hit_ref(artifact: str, version: int | None, path: str | None) -> str:
    if version is None:
        return artifact
    return f"{artifact}:v{version}" + (f"/{path}" if path else "")


class SearchService:
    def __init__(self, engine: SearchIndex, database: Database, queue: JobQueue) -> None:
        self.engine = engine
        self.database = database
        self.queue = queue

    async def search(
        self,
        q: str,
        *,
        kind: str | None = None,
        label_filters: list[str] | None = None,
        types: list[str] | None = None,
        after: str | None = None,
        limit: int = 20,
    ) -> SearchPage:
        query = parse_query(q)
        if any("\x00" in item for item in label_filters or []):
            raise Invalid("a label filter has no NUL characters", field=["query", "label"])
        offset = parse_offset(after)
        request = SearchRequest(
            query=query,
            types=frozenset(DocType(t) for t in types or []),
            kind=kind,
            labels=parse_label_filters(label_filters or []),
            offset=offset,
            limit=limit,
            text=q,
            path_fragment=path_fragment(q),
        )
        result = await self.engine.search(request)
        items = [
            SearchHitView(
                type=doc.type.value,
                artifact=doc.artifact,
                kind=doc.kind,
                version=doc.version,
                ref=hit_ref(doc.artifact, doc.version, doc.path),
                path=doc.path,
                title=doc.title,
                score=score,
                highlights=[
                    HighlightView(field=h.field, text=h.text, spans=h.spans)
                    for h in highlights(query, {"title": doc.title, "body": doc.body})
                ],
            )
            for doc, score in result.hits
        ]
        more = offset + len(items) < result.total and len(items) == limit
        return SearchPage(
            items=items,
            next=str(offset + limit) if more and offset + limit <= MAX_OFFSET else None,
            total=result.total,
            facets=SearchFacets(
                kind=result.facets.kinds,
                label=[LabelFacet(key=k, value=v, count=n) for (k, v), n in result.facets.labels.items()],
            ),
            engine=self.engine.name,
        )

    async def reindex(self) -> ReindexView:
        """Queue a rebuild of the engine from the catalog (the workers carry it out)."""

        async def work(session: AsyncSession) -> None:
            enqueue(session, JobKind.REBUILD, 0)

        await in_transaction(self.database, work)
        return ReindexView(engine=self.engine.name, queued=True)

    async def status(self) -> IndexStatusView:
        return IndexStatusView(engine=self.engine.name, backlog=await self.queue.backlog())
