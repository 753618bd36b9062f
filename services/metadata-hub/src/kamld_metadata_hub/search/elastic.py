"""The Elasticsearch engine, through the official ``elasticsearch`` client.

Documents live in a concrete index ``<prefix>-<n>`` that the alias ``<prefix>`` points at; a
rebuild writes a new concrete index and swaps the alias in one ``update_aliases`` call, so searches
never see a half-built index. Mappings come from the committed index template
(``elasticsearch/template.json``). Each document carries its artifact's kind and labels (for
filters and facets); a change of labels rewrites them with ``update_by_query``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, HttpxAsyncHttpNode
from elasticsearch import ApiError, AsyncElasticsearch, NotFoundError
from elasticsearch.helpers import async_bulk

from kamld_metadata_hub.search.protocol import (
    ArtifactFacts,
    DocType,
    Facets,
    SearchDocument,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from kamld_metadata_hub.search.query import Atom, Query

TEMPLATE = json.loads((Path(__file__).parent / "elasticsearch" / "template.json").read_text())
LABEL_FACETS = 50
FIELDS = ["title^4", "body"]


def _atom(atom: Atom) -> dict[str, Any]:
    return {
        "multi_match": {
            "query": " ".join(atom.words),
            "fields": FIELDS,
            "type": "phrase_prefix" if atom.prefix else "phrase",
        }
    }


def compile_query(query: Query) -> dict[str, Any]:
    """The query DSL for a parsed query: each clause a ``should`` of its atoms, all required."""
    return {
        "bool": {
            "must": [
                {"bool": {"should": [_atom(a) for a in clause], "minimum_should_match": 1}}
                for clause in query.clauses
            ],
            "must_not": [_atom(a) for a in query.excluded],
        }
    }


class ElasticsearchSearchIndex:
    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "kamld-search", timeout_s: float = 10.0) -> None:
        self.prefix = prefix
        self.client = AsyncElasticsearch(url, request_timeout=timeout_s, node_class=HttpxAsyncHttpNode)
        self._building: str | None = None

    def unavailable(self, exc: BaseException) -> SearchUnavailable:
        return SearchUnavailable(self.name, type(exc).__name__)

    async def _call(self, coroutine: Any) -> Any:
        try:
            return await coroutine
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise self.unavailable(exc) from exc
        except ApiError as exc:
            if exc.meta.status in (429, 502, 503, 504):
                raise self.unavailable(exc) from exc
            raise

    async def start(self) -> None:
        await self._call(
            self.client.indices.put_index_template(
                name=self.prefix, index_patterns=[f"{self.prefix}-*"], template=TEMPLATE["template"]
            )
        )
        if not await self._call(self.client.indices.exists_alias(name=self.prefix)):
            index = self._new_index_name()
            await self._call(self.client.indices.create(index=index, aliases={self.prefix: {}}))

    def _new_index_name(self) -> str:
        return f"{self.prefix}-{time.time_ns()}"

    async def close(self) -> None:
        await self.client.close()

    async def ping(self) -> None:
        await self._call(self.client.cluster.health(index=self.prefix))

    def _targets(self) -> list[str]:
        """Writes go to the searched index and, during a rebuild, to the one being built."""
        return [self.prefix] + ([self._building] if self._building else [])

    async def upsert(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        facts = await self._facts({doc.artifact for doc in documents})
        actions = [
            {
                "_op_type": "index",
                "_index": target,
                "_id": doc.key,
                "_source": {
                    "key": doc.key,
                    "type": doc.type.value,
                    "artifact": doc.artifact,
                    "kind": doc.kind,
                    "version": doc.version,
                    "path": doc.path,
                    "title": doc.title,
                    "body": doc.body,
                    **facts.get(doc.artifact, {"labels": [], "label_keys": []}),
                },
            }
            for target in self._targets()
            for doc in documents
        ]
        await self._call(async_bulk(self.client, actions, refresh="wait_for"))

    async def _facts(self, artifacts: set[str]) -> dict[str, dict[str, list[str]]]:
        """Labels of the given artifacts, from their artifact documents."""
        found = await self._call(
            self.client.search(
                index=self.prefix,
                size=len(artifacts),
                query={
                    "bool": {
                        "filter": [{"term": {"type": "artifact"}}, {"terms": {"artifact": sorted(artifacts)}}]
                    }
                },
                source_includes=["artifact", "labels", "label_keys"],
            )
        )
        return {
            hit["_source"]["artifact"]: {
                "labels": hit["_source"]["labels"],
                "label_keys": hit["_source"]["label_keys"],
            }
            for hit in found["hits"]["hits"]
        }

    async def set_artifact(self, facts: ArtifactFacts) -> None:
        labels = [f"{key}={value}" for key, value in sorted(facts.labels.items())]
        keys = sorted(facts.labels)
        for target in self._targets():
            await self._call(
                self.client.update_by_query(
                    index=target,
                    query={"term": {"artifact": facts.artifact}},
                    script={
                        "source": "ctx._source.labels = params.labels; ctx._source.label_keys = params.keys; "
                        "ctx._source.kind = params.kind",
                        "params": {"labels": labels, "keys": keys, "kind": facts.kind},
                    },
                    refresh=True,
                    conflicts="proceed",
                )
            )

    async def search(self, request: SearchRequest) -> SearchResult:
        filters: list[dict[str, Any]] = []
        if request.types:
            filters.append({"terms": {"type": sorted(t.value for t in request.types)}})
        if request.kind:
            filters.append({"term": {"kind": request.kind}})
        for key, value in sorted(request.labels.items()):
            filters.append(
                {"term": {"labels": f"{key}={value}"}} if value is not None else {"term": {"label_keys": key}}
            )
        query = compile_query(request.query)
        query["bool"]["filter"] = filters
        if request.text.strip():
            query["bool"]["should"] = [
                {"term": {"title.exact": {"value": request.text.strip(), "boost": 1000}}}
            ]
        found = await self._call(
            self.client.search(
                index=self.prefix,
                query=query,
                from_=request.offset,
                size=request.limit,
                sort=[{"_score": "desc"}, {"key": "asc"}],
                track_total_hits=True,
                aggs={
                    "kinds": {"terms": {"field": "kind", "size": 10}},
                    "labels": {"terms": {"field": "labels", "size": LABEL_FACETS}},
                },
            )
        )
        hits = [
            (
                SearchDocument(
                    key=s["key"],
                    type=DocType(s["type"]),
                    artifact=s["artifact"],
                    kind=s["kind"],
                    version=s.get("version"),
                    path=s.get("path"),
                    title=s["title"],
                    body=s["body"],
                ),
                float(hit["_score"] or 0.0),
            )
            for hit in found["hits"]["hits"]
            for s in [hit["_source"]]
        ]
        aggregations = found["aggregations"]
        kinds = {bucket["key"]: bucket["doc_count"] for bucket in aggregations["kinds"]["buckets"]}
        labels: dict[tuple[str, str], int] = {}
        for bucket in aggregations["labels"]["buckets"]:
            key, _, value = bucket["key"].partition("=")
            labels[(key, value)] = bucket["doc_count"]
        return SearchResult(hits=hits, total=found["hits"]["total"]["value"], facets=Facets(kinds, labels))

    async def reset(self) -> None:
        self._building = self._new_index_name()
        await self._call(self.client.indices.create(index=self._building))

    async def publish(self) -> None:
        if self._building is None:
            return
        building, self._building = self._building, None
        await self._call(self.client.indices.refresh(index=building))
        try:
            current = list((await self._call(self.client.indices.get_alias(name=self.prefix))).keys())
        except NotFoundError:
            current = []
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.prefix}} for index in current
        ]
        actions.append({"add": {"index": building, "alias": self.prefix}})
        await self._call(self.client.indices.update_aliases(actions=actions))
        for index in current:
            await self._call(self.client.indices.delete(index=index, ignore_unavailable=True))
