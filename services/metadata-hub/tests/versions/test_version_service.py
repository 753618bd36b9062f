"""The version domain without HTTP, on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import pytest

from kamld_common.errors import Conflict, NotFound
from kamld_metadata_hub.aliases.schemas import AliasSet
from kamld_metadata_hub.aliases.service import AliasService
from kamld_metadata_hub.lineage.service import LineageService
from kamld_metadata_hub.versions.schemas import VersionCreate
from kamld_metadata_hub.versions.service import VersionService


def _draft(make_digest, **fields) -> VersionCreate:
    return VersionCreate(digest=make_digest(), file_count=2, total_bytes=20, **fields)


async def test_push_numbers_links_and_resolves(database, unique, make_digest):
    versions = VersionService(database)
    name = f"svc-{unique}"
    with pytest.raises(NotFound):
        await versions.create(name, _draft(make_digest), "dora")
    first = await versions.create(name, _draft(make_digest, kind="model", labels={"team": "x"}), "dora")
    second = await versions.create(name, _draft(make_digest, expected_parent="latest"), "erik")
    assert (first.number, second.number) == (1, 2)
    assert second.parents[0].ref == first.ref
    assert (await versions.get(name, first.digest[7:20])).number == 1
    assert (await versions.resolve(f"{name}:latest/model.pt")).path == "model.pt"
    with pytest.raises(Conflict):
        await versions.create(name, _draft(make_digest, expected_parent="v1"), "erik")
    log = await versions.log(name, None, 1)
    assert [v.number for v in log.items] == [2] and log.next == "2"
    assert [v.number for v in (await versions.log(name, log.next, 10)).items] == [1]


async def test_aliases_and_lineage_through_services(database, unique, make_digest):
    versions, aliases = VersionService(database), AliasService(database)
    data, model = f"d-{unique}", f"m-{unique}"
    await versions.create(data, _draft(make_digest, kind="dataset"), "dora")
    await versions.create(
        model, _draft(make_digest, kind="model", inputs=[{"ref": f"{data}:v1", "role": "trained_on"}]), "dora"
    )
    moved = await aliases.set(model, "production", AliasSet(version="v1"), "dora")
    assert moved.version.number == 1
    graph = await LineageService(database).graph(data, "v1", "down", 3)
    assert [(e.source, e.target, e.role) for e in graph.edges] == [
        (f"{data}:v1", f"{model}:v1", "trained_on")
    ]
    assert graph.model_dump(by_alias=True)["edges"][0]["from"] == f"{data}:v1"
