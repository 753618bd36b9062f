"""metadata-hub's ORM models."""
