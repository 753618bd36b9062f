"""trainer's ORM models."""

from kamld_trainer.runs.models import RunRecord

__all__ = ["RunRecord"]
