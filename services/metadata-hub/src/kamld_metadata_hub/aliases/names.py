"""Which aliases may be written by hand, and on which artifacts."""

from __future__ import annotations

from kamld_common.errors import Conflict, Invalid
from kamld_metadata_hub.models import Artifact
from kamld_metadata_hub.references import LATEST, check_alias_name


def movable_alias(alias: str) -> str:
    """``alias`` when it is a well-formed alias other than ``latest`` (422 naming the path otherwise)."""
    check_alias_name(alias, ["path", "alias"])
    if alias == LATEST:
        raise Invalid(
            "`latest` is moved by every push and cannot be set by hand",
            field=["path", "alias"],
            code="alias_reserved",
        )
    return alias


def writable(artifact: Artifact) -> Artifact:
    """``artifact`` unless it is archived (409 ``artifact_archived``)."""
    if artifact.archived:
        raise Conflict(
            f"artifact {artifact.name!r} is archived",
            code="artifact_archived",
            extra={"artifact": artifact.name},
        )
    return artifact
