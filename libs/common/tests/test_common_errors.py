"""Every error leaves a service as RFC 9457 problem+json, and comes back as the same KamldError."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from kamld_common.app import create_service_app
from kamld_common.errors import (
    PROBLEM_JSON,
    Conflict,
    Invalid,
    KamldError,
    NotFound,
    Unavailable,
    UpstreamError,
    error_from_problem,
)
from kamld_common.settings import ServiceSettings


class Widget(BaseModel):
    name: str = Field(min_length=1)
    size: int = Field(ge=0)


def build_app() -> FastAPI:
    app = create_service_app(
        settings=ServiceSettings(service_name="errors-demo"),
        version="9.9.9",
        title="demo",
        description="demo",
    )

    @app.post("/widgets")
    async def create(widget: Widget) -> Widget:
        return widget

    @app.get("/missing")
    async def missing() -> None:
        raise NotFound("widget 'w' does not exist", code="widget_not_found", extra={"widget": "w"})

    @app.get("/invalid")
    async def invalid() -> None:
        raise Invalid("name must be lower case", field="name")

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("password=hunter2 in a driver message")

    @app.get("/http-422")
    async def http_422() -> None:
        raise HTTPException(status_code=422, detail="rejected by a plain HTTPException")

    return app


@pytest.fixture
def base_url(serve) -> str:
    return serve(build_app())


def test_domain_error_is_problem_json_with_stable_code(base_url: str) -> None:
    response = httpx.get(base_url + "/missing")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "https://kamld.dev/problems/widget_not_found",
        "title": "Not found",
        "status": 404,
        "detail": "widget 'w' does not exist",
        "code": "widget_not_found",
        "instance": "/missing",
        "widget": "w",
    }


def test_malformed_body_is_422_naming_each_field(base_url: str) -> None:
    response = httpx.post(base_url + "/widgets", json={"name": "", "size": "big"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["code"] == "validation_error"
    assert sorted(tuple(e["loc"]) for e in body["errors"]) == [("body", "name"), ("body", "size")]
    assert body["detail"].startswith("Invalid input: name: ")
    assert "; size: " in body["detail"]


def test_validation_detail_names_where_a_non_body_field_is() -> None:
    from kamld_common.errors import _validation_detail

    detail = _validation_detail(
        [{"loc": ["query", "limit"], "msg": "Input should be greater than 0", "type": "x"}]
    )
    assert detail == "Invalid input: limit (query): Input should be greater than 0"


def test_body_that_is_not_json_is_422(base_url: str) -> None:
    response = httpx.post(
        base_url + "/widgets", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_invalid_with_field_names_the_field(base_url: str) -> None:
    body = httpx.get(base_url + "/invalid").json()
    assert body["status"] == 422
    assert body["errors"] == [{"loc": ["name"], "msg": "name must be lower case", "type": "invalid"}]


def test_crash_is_a_500_problem_without_internals(base_url: str) -> None:
    response = httpx.get(base_url + "/crash")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["code"] == "internal_error"
    assert "hunter2" not in response.text and "RuntimeError" not in response.text


def test_plain_http_exceptions_are_problems_too(base_url: str) -> None:
    unknown = httpx.get(base_url + "/no-such-route")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    wrong_method = httpx.delete(base_url + "/widgets")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    rejected = httpx.get(base_url + "/http-422")
    assert rejected.status_code == 422
    assert rejected.json()["detail"] == "rejected by a plain HTTPException"


@pytest.mark.parametrize(
    "error",
    [
        NotFound("no such artifact", code="artifact_not_found", extra={"artifact": "faces"}),
        Invalid("bad name", field=["body", "name"]),
        Conflict("latest moved", code="parent_mismatch", extra={"expected": "v3", "actual": "v4"}),
        Unavailable("database is down", code="database_unavailable"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_error_from_problem_round_trips(error: KamldError) -> None:
    problem = error.to_problem()
    rebuilt = error_from_problem(error.status, problem)
    assert type(rebuilt) is type(error)
    assert rebuilt.to_problem() == problem


def test_server_errors_of_another_service_become_upstream_errors() -> None:
    rebuilt = error_from_problem(500, {"detail": "boom", "code": "internal_error"})
    assert isinstance(rebuilt, UpstreamError)
    assert rebuilt.status == 502 and rebuilt.detail == "boom"


def test_problem_without_body_still_has_a_detail() -> None:
    rebuilt = error_from_problem(409, None)
    assert isinstance(rebuilt, Conflict) and rebuilt.detail == "Conflict" and rebuilt.code == "conflict"
