"""HTTP routes of webhooks (the gateway serves them to admins under ``/api/v1/webhooks``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from kamld_common import patterns
from kamld_common.http import current_actor
from kamld_common.paging import Page, cursor_query, int_cursor, limit_query
from kamld_observation_hub.webhooks.schemas import (
    DeliveryStatus,
    DeliveryView,
    WebhookCreate,
    WebhookCreated,
    WebhookView,
)
from kamld_observation_hub.webhooks.service import WebhookService

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


async def _service(request: Request) -> WebhookService:
    return WebhookService(request.app.state.database)


Service = Annotated[WebhookService, Depends(_service)]
WebhookId = Annotated[int, Path(ge=1, le=2**62, description="The webhook's id")]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Subscribe a URL to events")
async def create_webhook(body: WebhookCreate, webhooks: Service) -> WebhookCreated:
    """A new subscription for events recorded from now on; its signing secret is in this answer only."""
    return await webhooks.create(body, current_actor())


@router.get("", summary="List webhooks")
async def list_webhooks(webhooks: Service) -> list[WebhookView]:
    """Every subscription (never the secrets)."""
    return await webhooks.list()


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a webhook")
async def delete_webhook(webhook_id: WebhookId, webhooks: Service) -> Response:
    """Stop deliveries to it and drop its delivery log."""
    await webhooks.delete(webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", summary="A webhook's delivery log, newest first")
async def list_deliveries(
    webhook_id: WebhookId,
    webhooks: Service,
    status_filter: Annotated[
        DeliveryStatus | None, Query(alias="status", description="Only deliveries in this state")
    ] = None,
    after: Annotated[str | None, cursor_query(18, patterns.POSITIVE_ID_CURSOR)] = None,
    limit: Annotated[int, limit_query(500)] = 50,
) -> Page[DeliveryView]:
    """Each event sent to the webhook: attempts, the last answer or error, and its state."""
    return await webhooks.deliveries(webhook_id, status_filter, int_cursor(after, minimum=1), limit)
