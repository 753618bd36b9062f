"""An internal service's document: verbNoun operation ids and problem+json for every error."""

from __future__ import annotations

from fastapi import APIRouter

from kamld_common.app import create_service_app
from kamld_common.paging import Page
from kamld_common.settings import ServiceSettings

router = APIRouter(prefix="/widgets", tags=["widgets"])


@router.get("/{widget_id}")
async def get(widget_id: str) -> dict[str, str]:
    return {"id": widget_id}


@router.get("")
async def list_widgets() -> Page[str]:
    return Page[str](items=[], next=None)


@router.post("")
async def create_widget(body: dict[str, str]) -> dict[str, str]:
    return body


def test_internal_document_declares_problems_and_names_operations() -> None:
    settings = ServiceSettings(service_name="widgets", internal_token="t" * 32)
    app = create_service_app(settings=settings, version="1", title="t", description="d", routers=[router])
    document = app.openapi()
    get_op = document["paths"]["/widgets/{widget_id}"]["get"]
    create_op = document["paths"]["/widgets"]["post"]
    assert (get_op["operationId"], create_op["operationId"]) == ("getWidget", "createWidget")
    assert {"401", "404", "422"} <= get_op["responses"].keys()
    assert {"400", "401", "409", "413", "422"} <= create_op["responses"].keys()
    for operation in (get_op, create_op):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "Problem" in document["components"]["schemas"]
    scheme = document["components"]["securitySchemes"]["internalToken"]
    assert (scheme["in"], scheme["name"]) == ("header", "X-Kamld-Internal-Token")
    assert document["security"] == [{"internalToken": []}]
    assert document["paths"]["/healthz"]["get"]["security"] == []


def test_generic_schemas_are_named_as_types() -> None:
    settings = ServiceSettings(service_name="widgets", internal_token="t" * 32)
    app = create_service_app(settings=settings, version="1", title="t", description="d", routers=[router])
    document = app.openapi()
    schemas = document["components"]["schemas"]
    assert "strPage" in schemas and not [name for name in schemas if name.startswith("Page_")]
    answer = document["paths"]["/widgets"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/strPage"}
