"""observation-hub's ORM models."""
