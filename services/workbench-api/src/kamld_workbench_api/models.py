"""workbench-api's ORM models."""
