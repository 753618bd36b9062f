"""The SDK's typed objects decode the API's JSON, tolerate new fields and encode back to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kamld.errors import UnexpectedAnswer
from kamld.models import Lineage, Page, PullResult, Version, VersionLink, decode

LINK = {
    "artifact": "faces",
    "number": 1,
    "name": "faces:v1",
    "ref": "faces:v1",
    "digest": "blake3:" + "a" * 64,
}
VERSION = {
    **LINK,
    "kind": "dataset",
    "author": "ana",
    "created_at": "2026-11-24T04:59:56.136658Z",
    "file_count": 2,
    "total_bytes": 10,
    "parents": [LINK],
}


def test_a_version_decodes_with_typed_fields_and_encodes_back_to_the_api_form():
    version = Version.from_api({**VERSION, "a_field_from_a_newer_server": [1, 2]})
    assert version.created_at == datetime(2026, 11, 24, 4, 59, 56, 136658, tzinfo=UTC)
    assert version.parents == [VersionLink.from_api(LINK)]
    assert version.aliases == [] and version.metadata == {}
    encoded = version.to_dict()
    assert encoded["created_at"] == "2026-11-24T04:59:56.136658Z"
    assert "a_field_from_a_newer_server" not in encoded
    assert Version.from_api(encoded) == version


def test_defaults_are_not_shared_and_objects_are_frozen():
    first, second = Version.from_api(VERSION), Version.from_api(VERSION)
    first.aliases.append("latest")
    assert second.aliases == []
    with pytest.raises(AttributeError):
        first.number = 2  # type: ignore[misc]


def test_a_wrong_type_names_the_field():
    with pytest.raises(UnexpectedAnswer, match=r"\$\.file_count"):
        Version.from_api({**VERSION, "file_count": "two"})


def test_lineage_edges_use_the_api_names_from_and_to():
    lineage = Lineage.from_api(
        {
            "root": "m:v1",
            "direction": "up",
            "depth": 1,
            "edges": [{"from": "d:v1", "to": "m:v1", "role": "parent"}],
        }
    )
    assert (lineage.edges[0].source, lineage.edges[0].target) == ("d:v1", "m:v1")
    assert lineage.to_dict()["edges"] == [{"from": "d:v1", "to": "m:v1", "role": "parent"}]


def test_a_page_decodes_its_items_to_the_named_type():
    page = decode(Page[VersionLink], {"items": [LINK], "next": "cursor"})
    assert page.items == [VersionLink.from_api(LINK)] and page.next == "cursor"


def test_a_pull_result_holds_its_version():
    result = PullResult(version=Version.from_api(VERSION), directory="/data", files_written=2)
    assert result.to_dict()["version"]["ref"] == "faces:v1"
    assert result.files_unchanged == 0
