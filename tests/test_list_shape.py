"""Every list of every service, public or internal, pages one way (``kamld_common.paging``).

Read from each app's own OpenAPI document: a list operation (a GET taking ``after`` or
``limit``) accepts both, a string cursor ``after`` and a bounded integer ``limit``, and answers an
object with an ``items`` array and a nullable string ``next``; no response anywhere carries the
retired ``next_after``, and no GET answers a bare array except the few small, unpaged collections
named below.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

SERVICES = ["workbench_api", "metadata_hub", "storage_gateway", "observation_hub", "trainer"]
SCHEMA_REF = "#/components/schemas/"
# The public diff names its array `changes` beside `from_version` and `to_version` (the SDK reads it).
ITEMS_FIELD = {("workbench_api", "/api/v1/artifacts/{name}/diff"): "changes"}
# Small collections answered whole, as a JSON array: an artifact's aliases, the API tokens, webhooks.
UNPAGED = {
    ("workbench_api", "/api/v1/tokens"),
    ("workbench_api", "/api/v1/webhooks"),
    ("observation_hub", "/webhooks"),
    ("workbench_api", "/api/v1/artifacts/{name}/aliases"),
    ("metadata_hub", "/artifacts/{name}/aliases"),
}


def openapi_of(service: str, home: Path) -> dict[str, Any]:
    app_module = importlib.import_module(f"kamld_{service}.app")
    config = importlib.import_module(f"kamld_{service}.config")
    settings = config.Settings(data_dir=home / service, log_level="warning")
    document: dict[str, Any] = app_module.create_app(settings).openapi()
    return document


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return resolve(document, document["components"]["schemas"][ref[len(SCHEMA_REF) :]]) if ref else schema


def types_of(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    schema = resolve(document, schema)
    if "anyOf" in schema:
        return set().union(*(types_of(document, option) for option in schema["anyOf"]))
    return {schema.get("type", "object")}


def list_operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        names = {parameter["name"] for parameter in (get or {}).get("parameters", [])}
        if get is not None and names & {"after", "limit"}:
            found.append((path, get))
    return found


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    home = tmp_path_factory.mktemp("homes")
    return {service: openapi_of(service, home) for service in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_every_list_answers_items_and_next(documents: dict[str, dict[str, Any]], service: str) -> None:
    document = documents[service]
    lists = list_operations(document)
    assert lists, f"{service} declares no list"
    for path, operation in lists:
        parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        assert {"after", "limit"} <= parameters.keys(), f"{service} {path}: pages with after and limit"
        assert types_of(document, parameters["after"]["schema"]) == {"string", "null"}, path
        limit = parameters["limit"]["schema"]
        assert limit["type"] == "integer" and limit["minimum"] == 1 and "maximum" in limit, path
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        properties = resolve(document, answer).get("properties", {})
        items = properties.get(ITEMS_FIELD.get((service, path), "items"))
        assert items is not None and types_of(document, items) == {"array"}, f"{service} {path}: items"
        assert "next" in properties, f"{service} {path}: next"
        assert types_of(document, properties["next"]) == {"string", "null"}, f"{service} {path}: next"


@pytest.mark.parametrize("service", SERVICES)
def test_no_schema_carries_next_after(documents: dict[str, dict[str, Any]], service: str) -> None:
    schemas = documents[service].get("components", {}).get("schemas", {})
    assert [name for name, schema in schemas.items() if "next_after" in schema.get("properties", {})] == []


@pytest.mark.parametrize("service", SERVICES)
def test_no_other_get_answers_a_bare_array(documents: dict[str, dict[str, Any]], service: str) -> None:
    document = documents[service]
    bare = set()
    for path, operations in document["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        schema = answer.get("application/json", {}).get("schema")
        if schema is not None and resolve(document, schema).get("type") == "array":
            bare.add((service, path))
    assert bare <= UNPAGED
