"""trainer's ORM models."""
