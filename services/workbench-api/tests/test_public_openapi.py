"""The committed public OpenAPI document matches the code, and only describes ``/api/v1``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kamld_workbench_api import __version__
from kamld_workbench_api.app import create_app
from kamld_workbench_api.openapi import public_openapi, render

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "openapi" / "public-v1.json"


def test_committed_document_is_current() -> None:
    current = render(public_openapi(create_app(), __version__))
    assert COMMITTED.read_text() == current, "docs/openapi/public-v1.json is stale: run `make openapi`"


def test_document_has_only_public_paths_and_bearer_security() -> None:
    document = json.loads(COMMITTED.read_text())
    assert document["paths"] and all(path.startswith("/api/v1/") for path in document["paths"])
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "/healthz" not in document["paths"] and "/metrics" not in document["paths"]


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(method, path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_every_error_is_a_declared_problem() -> None:
    document = json.loads(COMMITTED.read_text())
    for method, path, operation in operations(document):
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert {"401", "422", "429", "502", "503"} <= errors.keys(), (method, path)
        for status, response in errors.items():
            assert response["content"] == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }, (method, path, status)
    assert "404" in document["paths"]["/api/v1/artifacts/{name}"]["get"]["responses"]
    assert "403" in document["paths"]["/api/v1/artifacts"]["post"]["responses"]
    assert "403" not in document["paths"]["/api/v1/artifacts"]["get"]["responses"]


def test_operations_have_verb_noun_ids_one_tag_and_global_bearer_security() -> None:
    document = json.loads(COMMITTED.read_text())
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", op_id) for op_id in ids), ids
    assert {"listArtifacts", "getVersion", "getStatus", "getMe", "commitUpload"} <= set(ids)
    assert all(len(operation["tags"]) == 1 for _, _, operation in operations(document))
    assert document["security"] == [{"HTTPBearer": []}, {"sessionCookie": []}]
    assert document["components"]["securitySchemes"]["sessionCookie"]["in"] == "cookie"
    session = document["paths"]["/api/v1/session"]
    assert session["post"]["security"] == [] and session["delete"]["security"] == []
    assert document["servers"]


def test_parameters_carry_the_patterns_of_names_refs_and_paths() -> None:
    document = json.loads(COMMITTED.read_text())
    download = document["paths"]["/api/v1/artifacts/{name}/versions/{ref}/files/{path}"]["get"]
    schemas = {p["name"]: p["schema"] for p in download["parameters"]}
    assert re.fullmatch(schemas["name"]["pattern"], "faces") and not re.match(
        schemas["name"]["pattern"], "Faces"
    )
    assert re.fullmatch(schemas["ref"]["pattern"], "v3") and not re.match(schemas["ref"]["pattern"], "v0")
    assert re.fullmatch(schemas["path"]["pattern"], "a/b.csv")
    assert not re.match(schemas["path"]["pattern"], "a/../b")
    commit = document["paths"]["/api/v1/uploads/{upload_id}/commit"]["post"]["requestBody"]["content"]
    assert "application/x-ndjson" in commit
    chunks = document["paths"]["/api/v1/uploads/{upload_id}/chunks"]["post"]["requestBody"]["content"]
    assert "application/vnd.kamld.chunks" in chunks


def test_gateway_serves_the_document(gateway) -> None:
    import httpx

    served = httpx.get(gateway.url + "/api/v1/openapi.json").json()
    assert served["paths"].keys() == json.loads(COMMITTED.read_text())["paths"].keys()
