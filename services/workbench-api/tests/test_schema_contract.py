"""The gateway's public models have the wire shape of the models of the service that owns them.

workbench-api declares the bodies it passes through so its document describes every field; this
test keeps those declarations from drifting from the owning services' own documents
(field names, types, required fields: see :func:`kamld_testing.schemas.shape`).
"""

from __future__ import annotations

from typing import Any

import pytest

from kamld_metadata_hub.app import create_app as create_metadata_hub
from kamld_observation_hub.app import create_app as create_observation_hub
from kamld_storage_gateway.app import create_app as create_storage_gateway
from kamld_testing.schemas import shape
from kamld_trainer.app import create_app as create_trainer
from kamld_workbench_api import __version__
from kamld_workbench_api.app import create_app
from kamld_workbench_api.openapi import public_openapi

# Public model -> (owning service, its name there). Models the gateway composes itself (diffs and
# file lists of versions, tokens, status) have no owner to compare with.
OWNED = {
    "QueryAnswer": ("storage-gateway", "QueryOut"),
    "QueryRequest": ("storage-gateway", "QueryIn"),
    "QueryColumn": ("storage-gateway", "Column"),
    "TableSplitRequest": ("storage-gateway", "TableSplitIn"),
    "TableSplitAnswer": ("storage-gateway", "TableSplitOut"),
    "TableSplitPart": ("storage-gateway", "TableSplitPart"),
    "FileSplitRequest": ("storage-gateway", "FileSplitIn"),
    "FileSplitAnswer": ("storage-gateway", "FileSplitOut"),
    "QueriedVersion": ("storage-gateway", "QueriedVersion"),
    "ResultFormat": ("storage-gateway", "ResultFormat"),
    "AliasEventView": ("metadata-hub", "AliasEventView"),
    "AliasSet": ("metadata-hub", "AliasSet"),
    "AliasView": ("metadata-hub", "AliasView"),
    "AliasPolicySet": ("metadata-hub", "AliasPolicySet"),
    "AliasPolicyView": ("metadata-hub", "AliasPolicyView"),
    "GateReason": ("metadata-hub", "GateReason"),
    "MetricNotWorse": ("metadata-hub", "MetricNotWorse"),
    "MetricThreshold": ("metadata-hub", "MetricThreshold"),
    "SignatureMatchesInputs": ("metadata-hub", "SignatureMatchesInputs"),
    "RequiresMetadata": ("metadata-hub", "RequiresMetadata"),
    "ArtifactCreate": ("metadata-hub", "ArtifactCreate"),
    "ArtifactUpdate": ("metadata-hub", "ArtifactUpdate"),
    "ArtifactView": ("metadata-hub", "ArtifactView"),
    "InputLink": ("metadata-hub", "InputLink"),
    "InputSpec": ("metadata-hub", "InputSpec"),
    "LineageEdge": ("metadata-hub", "LineageEdge"),
    "LineageGraph": ("metadata-hub", "LineageGraph"),
    "LineageNode": ("metadata-hub", "LineageNode"),
    "AliasEventViewPage": ("metadata-hub", "AliasEventViewPage"),
    "ArtifactViewPage": ("metadata-hub", "ArtifactViewPage"),
    "VersionViewPage": ("metadata-hub", "VersionViewPage"),
    "VersionCreate": ("metadata-hub", "VersionCreate"),
    "VersionLink": ("metadata-hub", "VersionLink"),
    "VersionView": ("metadata-hub", "VersionView"),
    "PushedVersionView": ("metadata-hub", "PushedVersionView"),
    "Problem": ("metadata-hub", "Problem"),
    "SearchPage": ("metadata-hub", "SearchPage"),
    "SearchHitView": ("metadata-hub", "SearchHitView"),
    "HighlightView": ("metadata-hub", "HighlightView"),
    "SearchFacets": ("metadata-hub", "SearchFacets"),
    "LabelFacet": ("metadata-hub", "LabelFacet"),
    "ReindexView": ("metadata-hub", "ReindexView"),
    "IndexStatusView": ("metadata-hub", "IndexStatusView"),
    "RecallView": ("metadata-hub", "RecallView"),
    "ContainingVersion": ("metadata-hub", "ContainingVersion"),
    "DownstreamVersion": ("metadata-hub", "DownstreamVersion"),
    "AliasHit": ("metadata-hub", "AliasHit"),
    "VersionProfileView": ("metadata-hub", "VersionProfileView"),
    "FileProfileView": ("metadata-hub", "FileProfileView"),
    "TableSummary": ("metadata-hub", "TableSummary"),
    "RowDiffView": ("metadata-hub", "RowDiffView"),
    "RowChange": ("metadata-hub", "RowChange"),
    "RowCounts": ("metadata-hub", "RowCounts"),
    "SchemaChanges": ("metadata-hub", "SchemaChanges"),
    "ColumnType": ("metadata-hub", "ColumnType"),
    "Retyped": ("metadata-hub", "Retyped"),
    "ChunksStored": ("storage-gateway", "ChunksStored"),
    "CommitResult": ("storage-gateway", "CommitResult"),
    "FileStored": ("storage-gateway", "FileStored"),
    "UploadOpened": ("storage-gateway", "UploadOpened"),
    "GcReport": ("storage-gateway", "GcResult"),
    "VersionCheck": ("storage-gateway", "VersionCheck"),
    "VerifyReport": ("storage-gateway", "VerifyPage"),
    "ManifestSummary": ("storage-gateway", "ManifestOut"),
    "ManifestFiles": ("storage-gateway", "FileList"),
    "ManifestFile": ("storage-gateway", "FileOut"),
    "ManifestDiff": ("storage-gateway", "DiffOut"),
    "ManifestChange": ("storage-gateway", "ChangeOut"),
    "DigestList": ("storage-gateway", "MissingRequest"),
    "MissingChunks": ("storage-gateway", "MissingResponse"),
    "ChunkReadList": ("storage-gateway", "ChunkReadRequest"),
    "ChunkDeltaList": ("storage-gateway", "ChunkDeltaRequest"),
    "ChunkDeltaWanted": ("storage-gateway", "ChunkDeltaWanted"),
    "Event": ("observation-hub", "Event"),
    "EventPage": ("observation-hub", "EventPage"),
    "WebhookCreate": ("observation-hub", "WebhookCreate"),
    "WebhookCreated": ("observation-hub", "WebhookCreated"),
    "Webhook": ("observation-hub", "WebhookView"),
    "WebhookDelivery": ("observation-hub", "DeliveryView"),
    "WebhookDeliveryPage": ("observation-hub", "DeliveryViewPage"),
    "RunView": ("trainer", "Run"),
    "RunViewPage": ("trainer", "RunPage"),
    "RunInputView": ("trainer", "RunInput"),
    "PinnedVersionView": ("trainer", "PinnedVersion"),
    "RunStatus": ("trainer", "RunStatus"),
    "Resources": ("trainer", "Resources"),
    "MetricsView": ("trainer", "Metrics"),
    "MetricPoint": ("trainer", "MetricPoint"),
    "MetricIn": ("trainer", "MetricIn"),
    "TrackIn": ("trainer", "TrackIn"),
    "FinishIn": ("trainer", "FinishIn"),
}

# Fields the gateway fills in itself before passing a body on (it reads them from the manifest).
FILLED_BY_GATEWAY = {"VersionCreate": {"file_count", "total_bytes"}}


def without(reduced: Any, fields: set[str]) -> Any:
    if not fields:
        return reduced
    return {
        "fields": {k: v for k, v in reduced["fields"].items() if k not in fields},
        "required": [name for name in reduced["required"] if name not in fields],
    }


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {
        "workbench-api": public_openapi(create_app(), __version__),
        "metadata-hub": create_metadata_hub().openapi(),
        "storage-gateway": create_storage_gateway().openapi(),
        "observation-hub": create_observation_hub().openapi(),
        "trainer": create_trainer().openapi(),
    }


def schemas_of(document: dict[str, Any]) -> dict[str, Any]:
    return document["components"]["schemas"]


@pytest.mark.parametrize("public_name", sorted(OWNED))
def test_public_model_matches_its_owner(documents: dict[str, dict[str, Any]], public_name: str) -> None:
    service, owned_name = OWNED[public_name]
    public, owner = schemas_of(documents["workbench-api"]), schemas_of(documents[service])
    assert public_name in public, f"{public_name} is no longer in the public document"
    assert owned_name in owner, f"{owned_name} is no longer in {service}'s document"
    filled = FILLED_BY_GATEWAY.get(public_name, set())
    assert shape(public[public_name], public) == without(shape(owner[owned_name], owner), filled)


def test_every_public_model_is_owned_or_composed(documents: dict[str, dict[str, Any]]) -> None:
    """A new public model must be added to OWNED, or to the models the gateway composes itself."""
    composed = {
        "Caller", "DiffView", "FileChange", "FileView", "FileViewPage", "PlatformStatus",
        "ProblemFieldError", "Role", "ServiceState", "ServiceStatus", "SessionView", "SignInMethods",
        "TokenSignIn", "DirectorySignIn",
        "RunCreate", "TokenCreate", "TokenCreated",
        "TokenInfo", "TransferGrant",
    }  # fmt: skip
    assert set(schemas_of(documents["workbench-api"])) - composed == set(OWNED)
