"""One contract for every search engine: SQLite FTS5, PostgreSQL full-text and Elasticsearch
(the last only when KAMLD_TEST_ELASTICSEARCH_URL names a server)."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kamld_metadata_hub.search.elastic import ElasticsearchSearchIndex
from kamld_metadata_hub.search.protocol import (
    ArtifactFacts,
    DocType,
    SearchDocument,
    SearchIndex,
    SearchRequest,
)
from kamld_metadata_hub.search.query import parse_query
from kamld_metadata_hub.search.sql import PostgresSearchIndex, SqliteSearchIndex

ES_URL = os.environ.get("KAMLD_TEST_ELASTICSEARCH_URL")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param(
            "elasticsearch",
            marks=pytest.mark.skipif(
                not ES_URL, reason="set KAMLD_TEST_ELASTICSEARCH_URL to run against Elasticsearch"
            ),
        ),
    ]
)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SearchIndex]:
    index: SearchIndex
    if request.param == "sqlite":
        index = SqliteSearchIndex(f"sqlite+aiosqlite:///{tmp_path / 'search.sqlite3'}")
    elif request.param == "postgresql":
        index = PostgresSearchIndex(request.getfixturevalue("postgres_url"))
    else:
        assert ES_URL
        index = ElasticsearchSearchIndex(ES_URL, prefix=f"kamld-test-{secrets.token_hex(4)}")
    await index.start()
    await index.reset()
    await index.publish()
    yield index
    await index.close()


def doc(
    key: str, type: DocType, artifact: str, title: str, body: str = "", kind: str = "dataset", **kw
) -> SearchDocument:  # noqa: A002
    return SearchDocument(key=key, type=type, artifact=artifact, kind=kind, title=title, body=body, **kw)


CATALOG = [
    doc(
        "artifact:faces",
        DocType.ARTIFACT,
        "faces",
        "faces",
        "portraits of people for the detector team vision",
    ),
    doc("artifact:cats", DocType.ARTIFACT, "cats", "cats", "cat pictures"),
    doc("artifact:resnet", DocType.ARTIFACT, "resnet", "resnet", "a detector trained on faces", kind="model"),
    doc("version:faces:1", DocType.VERSION, "faces", "faces:v1", "first import by alice", version=1),
    doc("version:faces:2", DocType.VERSION, "faces", "faces:v2", "more portraits production", version=2),
    doc(
        "file:faces:2:train/cats/001.jpg",
        DocType.FILE,
        "faces",
        "train/cats/001.jpg",
        version=2,
        path="train/cats/001.jpg",
    ),
    doc(
        "file:faces:2:train/dogs/002.jpg",
        DocType.FILE,
        "faces",
        "train/dogs/002.jpg",
        version=2,
        path="train/dogs/002.jpg",
    ),
    doc("file:cats:1:labels.csv", DocType.FILE, "cats", "labels.csv", version=1, path="labels.csv"),
]


@pytest.fixture
async def loaded(engine: SearchIndex) -> SearchIndex:
    await engine.upsert(CATALOG)
    await engine.set_artifact(ArtifactFacts("faces", "dataset", {"team": "vision", "stage": "raw"}))
    await engine.set_artifact(ArtifactFacts("cats", "dataset", {"team": "pets"}))
    await engine.set_artifact(ArtifactFacts("resnet", "model", {"team": "vision"}))
    return engine


async def keys(engine: SearchIndex, q: str, **kw) -> list[str]:
    result = await engine.search(SearchRequest(query=parse_query(q), text=q, **kw))
    return [hit.key for hit, _ in result.hits]


async def test_a_name_ranks_above_a_mention(loaded: SearchIndex) -> None:
    found = await keys(loaded, "faces")
    assert found[0] == "artifact:faces"
    assert "artifact:resnet" in found  # mentioned in its description only
    assert found.index("artifact:resnet") > found.index("artifact:faces")


async def test_paths_are_found_by_their_parts_and_as_a_whole(loaded: SearchIndex) -> None:
    assert await keys(loaded, "train/cats/001.jpg") == ["file:faces:2:train/cats/001.jpg"]
    assert set(await keys(loaded, "jpg")) == {
        "file:faces:2:train/cats/001.jpg",
        "file:faces:2:train/dogs/002.jpg",
    }


async def test_prefix_phrase_or_and_exclusion(loaded: SearchIndex) -> None:
    assert set(await keys(loaded, "portrait*")) == {"artifact:faces", "version:faces:2"}
    assert await keys(loaded, '"first import"') == ["version:faces:1"]
    assert await keys(loaded, '"import first"') == []
    assert set(await keys(loaded, "alice OR production")) == {"version:faces:1", "version:faces:2"}
    assert set(await keys(loaded, "jpg -dogs")) == {"file:faces:2:train/cats/001.jpg"}


async def test_filters_by_type_kind_and_label(loaded: SearchIndex) -> None:
    assert set(await keys(loaded, "cat*", types=frozenset({DocType.FILE}))) == {
        "file:faces:2:train/cats/001.jpg"
    }
    assert await keys(loaded, "detector", kind="model") == ["artifact:resnet"]
    assert set(await keys(loaded, "faces OR cats", labels={"team": "vision"})) == {
        "artifact:faces",
        "artifact:resnet",
        "version:faces:1",
        "version:faces:2",
        "file:faces:2:train/cats/001.jpg",
    }
    assert await keys(loaded, "cat*", labels={"team": "pets"}) == ["artifact:cats"]
    assert set(await keys(loaded, "faces", labels={"stage": None})) == {
        "artifact:faces",
        "version:faces:1",
        "version:faces:2",
    }


async def test_facets_count_matches_by_kind_and_label(loaded: SearchIndex) -> None:
    result = await loaded.search(SearchRequest(query=parse_query("detector")))
    assert result.total == 2
    assert result.facets.kinds == {"dataset": 1, "model": 1}
    assert result.facets.labels == {("team", "vision"): 2, ("stage", "raw"): 1}


async def test_paging_covers_every_match_once(loaded: SearchIndex) -> None:
    seen: list[str] = []
    for offset in range(0, 10, 2):
        seen += await keys(loaded, "faces", offset=offset, limit=2)
    assert len(seen) == len(set(seen)) == len(await keys(loaded, "faces", limit=50))


async def test_upsert_replaces_by_key(loaded: SearchIndex) -> None:
    await loaded.upsert([doc("artifact:cats", DocType.ARTIFACT, "cats", "cats", "kittens only")])
    await loaded.upsert([doc("artifact:cats", DocType.ARTIFACT, "cats", "cats", "kittens only")])
    assert await keys(loaded, "kittens") == ["artifact:cats"]
    assert await keys(loaded, "pictures") == []


async def test_label_changes_move_filters(loaded: SearchIndex) -> None:
    await loaded.set_artifact(ArtifactFacts("cats", "dataset", {"team": "vision"}))
    assert "artifact:cats" in await keys(loaded, "cat*", labels={"team": "vision"})
    assert await keys(loaded, "cat*", labels={"team": "pets"}) == []


async def test_a_rebuild_replaces_everything_when_published(loaded: SearchIndex) -> None:
    await loaded.reset()
    await loaded.upsert([doc("artifact:birds", DocType.ARTIFACT, "birds", "birds", "feathers")])
    await loaded.set_artifact(ArtifactFacts("birds", "dataset", {}))
    await loaded.publish()
    assert await keys(loaded, "feathers") == ["artifact:birds"]
    assert await keys(loaded, "faces") == []
