"""The SDK's models read what the committed public OpenAPI document says the server sends.

The SDK keeps its own models (msgspec, for start-up time); this test holds each to the document:
every field it reads exists there with a type the server's value fits, every field it requires is
always sent, and every field always sent is in the model (see :func:`kamld_testing.schemas.reader_problems`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from kamld import models
from kamld_testing.schemas import reader_problems

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "openapi" / "public-v1.json"

# SDK model -> the public schema it decodes. PushedVersion, PullResult and Diff are the client's own
# results (a Version plus what a transfer did; the pages of a diff joined), not answers of the API.
DECODES = {
    models.VersionLink: "VersionLink",
    models.InputLink: "InputLink",
    models.Artifact: "ArtifactView",
    models.Version: "VersionView",
    models.FileInfo: "FileView",
    models.Alias: "AliasView",
    models.AliasEvent: "AliasEventView",
    models.AliasPolicy: "AliasPolicyView",
    models.GateReason: "GateReason",
    models.FileChange: "FileChange",
    models.DiffPage: "DiffView",
    models.LineageNode: "LineageNode",
    models.LineageEdge: "LineageEdge",
    models.Lineage: "LineageGraph",
    models.GcReport: "GcReport",
    models.VersionCheck: "VersionCheck",
    models.VerifyPage: "VerifyReport",
    models.Token: "TokenInfo",
    models.CreatedToken: "TokenCreated",
    models.Page[models.Artifact]: "ArtifactViewPage",
    models.Page[models.Version]: "VersionViewPage",
    models.Page[models.FileInfo]: "FileViewPage",
    models.Page[models.AliasEvent]: "AliasEventViewPage",
    models.SearchHighlight: "HighlightView",
    models.SearchHit: "SearchHitView",
    models.LabelFacet: "LabelFacet",
    models.SearchFacets: "SearchFacets",
    models.SearchResults: "SearchPage",
    models.Reindex: "ReindexView",
    models.RecallVersion: "ContainingVersion",
    models.RecallDownstream: "DownstreamVersion",
    models.RecallAlias: "AliasHit",
    models.Recall: "RecallView",
    models.TableSummary: "TableSummary",
    models.VersionProfile: "VersionProfileView",
    models.FileProfile: "FileProfileView",
    models.ColumnType: "ColumnType",
    models.Retyped: "Retyped",
    models.SchemaChanges: "SchemaChanges",
    models.RowCounts: "RowCounts",
    models.RowChange: "RowChange",
    models.RowDiff: "RowDiffView",
    models.Event: "Event",
    models.Page[models.Event]: "EventPage",
    # A listed webhook is a created one without its secret (the model's secret defaults to None).
    models.Webhook: "WebhookCreated",
    models.WebhookDelivery: "WebhookDelivery",
    models.Page[models.WebhookDelivery]: "WebhookDeliveryPage",
    models.Run: "RunView",
    models.RunInput: "RunInputView",
    models.PinnedCode: "PinnedVersionView",
    models.Page[models.Run]: "RunViewPage",
}


@pytest.fixture(scope="module")
def public_schemas() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text())["components"]["schemas"]


@pytest.mark.parametrize("model", list(DECODES), ids=lambda model: getattr(model, "__name__", repr(model)))
def test_sdk_model_reads_what_the_server_sends(model: Any, public_schemas: dict[str, Any]) -> None:
    name = DECODES[model]
    assert name in public_schemas, f"{name} is no longer in the public document"
    client = msgspec.json.schema(model)
    problems = reader_problems(client, client.get("$defs", {}), public_schemas[name], public_schemas)
    assert not problems, f"{getattr(model, '__name__', model)} vs {name}:\n" + "\n".join(problems)


def test_every_sdk_model_is_checked() -> None:
    declared = {
        value
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, models.ApiModel) and value is not models.ApiModel
    }
    checked = {getattr(model, "__origin__", model) for model in DECODES}
    assert declared - checked == {models.PushedVersion, models.PullResult, models.Diff}
