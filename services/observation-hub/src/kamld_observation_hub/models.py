"""observation-hub's ORM models."""

from kamld_observation_hub.events.models import EventRecord
from kamld_observation_hub.webhooks.models import DispatchLease, Webhook, WebhookDelivery

__all__ = ["DispatchLease", "EventRecord", "Webhook", "WebhookDelivery"]
