"""storage-gateway's ORM models."""
