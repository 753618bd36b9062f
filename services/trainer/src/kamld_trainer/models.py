"""trainer's ORM models."""

from kamld_trainer.runs.models import MetricRecord, RunInputRecord, RunRecord

__all__ = ["MetricRecord", "RunInputRecord", "RunRecord"]
