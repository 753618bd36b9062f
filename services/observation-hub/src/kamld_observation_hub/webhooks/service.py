"""Managing subscriptions and reading the delivery log; knows nothing of HTTP."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import get_args

from sqlalchemy import func, select

from kamld_common.db import Database
from kamld_common.errors import Invalid, NotFound
from kamld_common.paging import Page, page_of
from kamld_observation_hub.events.models import EventRecord
from kamld_observation_hub.webhooks.models import Webhook, WebhookDelivery
from kamld_observation_hub.webhooks.schemas import (
    DeliveryStatus,
    DeliveryView,
    WebhookCreate,
    WebhookCreated,
    WebhookView,
)

STATUSES = get_args(DeliveryStatus)


class WebhookService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def create(self, body: WebhookCreate, actor: str) -> WebhookCreated:
        """A new subscription; it receives events recorded from now on."""
        secret = "whsec_" + secrets.token_urlsafe(32)
        async with self.database.unit_of_work() as session:
            newest = await session.scalar(select(func.max(EventRecord.id)))
            hook = Webhook(
                url=body.url,
                secret=secret,
                types=body.types,
                artifacts=body.artifacts,
                position=newest or 0,
                created_by=actor,
                created_at=datetime.now(UTC),
            )
            session.add(hook)
            await session.flush()
            return WebhookCreated(**WebhookView.model_validate(hook).model_dump(), secret=secret)

    async def list(self) -> list[WebhookView]:
        async with self.database.unit_of_work() as session:
            hooks = (await session.scalars(select(Webhook).order_by(Webhook.id))).all()
            return [WebhookView.model_validate(hook) for hook in hooks]

    async def delete(self, webhook_id: int) -> None:
        async with self.database.unit_of_work() as session:
            hook = await session.get(Webhook, webhook_id)
            if hook is None:
                raise NotFound(f"no webhook {webhook_id}", code="webhook_not_found")
            await session.delete(hook)

    async def deliveries(
        self, webhook_id: int, status: str | None, before_id: int | None, limit: int
    ) -> Page[DeliveryView]:
        """The webhook's delivery log, newest first."""
        if status is not None and status not in STATUSES:
            raise Invalid(f"status must be one of {', '.join(STATUSES)}", field=["query", "status"])
        async with self.database.unit_of_work() as session:
            if await session.get(Webhook, webhook_id) is None:
                raise NotFound(f"no webhook {webhook_id}", code="webhook_not_found")
            query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
            if status is not None:
                query = query.where(WebhookDelivery.status == status)
            if before_id is not None:
                query = query.where(WebhookDelivery.id < before_id)
            rows = (await session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1))).all()
            views = [DeliveryView.model_validate(row) for row in rows]
        return page_of(views, limit, lambda view: str(view.id))
