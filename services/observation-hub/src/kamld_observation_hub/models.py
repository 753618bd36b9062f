"""observation-hub's ORM models."""

from kamld_observation_hub.events.models import EventRecord

__all__ = ["EventRecord"]
