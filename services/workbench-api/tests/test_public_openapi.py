"""The committed public OpenAPI document matches the code, and only describes ``/api/v1``."""

from __future__ import annotations

import json
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


def test_gateway_serves_the_document(gateway) -> None:
    import httpx

    served = httpx.get(gateway.url + "/api/v1/openapi.json").json()
    assert served["paths"].keys() == json.loads(COMMITTED.read_text())["paths"].keys()
