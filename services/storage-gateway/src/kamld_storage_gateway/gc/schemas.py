"""Wire shape of the garbage collection route."""

from pydantic import BaseModel, Field


class GcResult(BaseModel):
    objects: int = Field(description="Objects deleted (or that would be, in a dry run)")
    bytes: int = Field(description="Their total size")
    dry_run: bool
    marked: int = Field(description="Objects found referenced and kept")
