"""``/api/v1/webhooks`` (admin): thin handlers over observation-hub's webhooks."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status

from kamld_common import patterns
from kamld_common.paging import Page, cursor_query, limit_query
from kamld_workbench_api.auth.dependencies import require_admin
from kamld_workbench_api.upstreams import Upstreams, get_upstreams
from kamld_workbench_api.webhooks.schemas import Webhook, WebhookCreate, WebhookCreated, WebhookDelivery

router = APIRouter(prefix="/webhooks", tags=["webhooks"], dependencies=[Depends(require_admin)])

UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
WebhookId = Annotated[int, Path(ge=1, le=2**62, description="The webhook's id")]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add a webhook", operation_id="createWebhook")
async def create_webhook(body: WebhookCreate, upstreams: UpstreamsDep) -> WebhookCreated:
    """Subscribe a URL to events recorded from now on; the answer holds its signing secret, once."""
    return (await upstreams.observation_hub.post("/webhooks", json=body.model_dump())).json()


@router.get("", summary="List webhooks", operation_id="listWebhooks")
async def list_webhooks(upstreams: UpstreamsDep) -> list[Webhook]:
    """Every webhook (never the secrets)."""
    return (await upstreams.observation_hub.get("/webhooks")).json()


@router.delete(
    "/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a webhook",
    operation_id="deleteWebhook",
)
async def delete_webhook(webhook_id: WebhookId, upstreams: UpstreamsDep) -> Response:
    """Stop its deliveries and drop its delivery log."""
    await upstreams.observation_hub.delete(f"/webhooks/{webhook_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{webhook_id}/deliveries", summary="A webhook's deliveries", operation_id="listWebhookDeliveries"
)
async def list_deliveries(
    webhook_id: WebhookId,
    upstreams: UpstreamsDep,
    status_filter: Annotated[
        Literal["pending", "delivered", "dead"] | None,
        Query(alias="status", description="Only deliveries in this state"),
    ] = None,
    after: Annotated[str | None, cursor_query(18, patterns.POSITIVE_ID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[WebhookDelivery]:
    """Its delivery log, newest first: attempts, the last answer or error, pending, delivered or dead."""
    params: dict[str, str | int] = {"limit": limit}
    if status_filter:
        params["status"] = status_filter
    if after:
        params["after"] = after
    return (await upstreams.observation_hub.get(f"/webhooks/{webhook_id}/deliveries", params=params)).json()
