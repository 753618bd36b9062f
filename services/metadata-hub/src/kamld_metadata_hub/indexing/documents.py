"""Search documents made from catalog rows: what of an artifact, a version and a file is searchable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kamld_metadata_hub.models import Artifact, Version
from kamld_metadata_hub.references import version_ref
from kamld_metadata_hub.search.protocol import ArtifactFacts, DocType, SearchDocument


def _flatten(value: Any, prefix: str = "") -> list[str]:
    """Metadata keys and values as text: ``{"train": {"lr": 0.1}}`` gives ``train.lr 0.1``."""
    if isinstance(value, Mapping):
        out: list[str] = []
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.append(name)
            out.extend(_flatten(item, name))
        return out
    if isinstance(value, list):
        return [text for item in value for text in _flatten(item, prefix)]
    return [value if isinstance(value, str) else json.dumps(value)]


def artifact_document(artifact: Artifact, labels: Mapping[str, str]) -> SearchDocument:
    label_text = " ".join(f"{key} {value}" for key, value in sorted(labels.items()))
    return SearchDocument(
        key=f"artifact:{artifact.name}",
        type=DocType.ARTIFACT,
        artifact=artifact.name,
        kind=artifact.kind,
        title=artifact.name,
        body=" ".join(part for part in (artifact.description, label_text, artifact.created_by) if part),
    )


def artifact_facts(artifact: Artifact, labels: Mapping[str, str]) -> ArtifactFacts:
    return ArtifactFacts(artifact=artifact.name, kind=artifact.kind, labels=dict(labels))


def version_document(artifact: Artifact, version: Version, aliases: list[str]) -> SearchDocument:
    parts = [version.message, version.author, " ".join(aliases), " ".join(_flatten(version.meta or {}))]
    return SearchDocument(
        key=f"version:{artifact.name}:{version.number}",
        type=DocType.VERSION,
        artifact=artifact.name,
        kind=artifact.kind,
        version=version.number,
        title=version_ref(artifact.name, version.number),
        body=" ".join(part for part in parts if part),
    )


def file_document(artifact: Artifact, version: Version, path: str) -> SearchDocument:
    return SearchDocument(
        key=f"file:{artifact.name}:{version.number}:{path}",
        type=DocType.FILE,
        artifact=artifact.name,
        kind=artifact.kind,
        version=version.number,
        path=path,
        title=path,
    )


def column_documents(
    artifact: Artifact, version: Version, path: str, columns: list[dict[str, Any]]
) -> list[SearchDocument]:
    """One document per column of a profiled table: its name, searchable with its type and file."""
    return [
        SearchDocument(
            key=f"column:{artifact.name}:{version.number}:{path}:{column['name']}",
            type=DocType.COLUMN,
            artifact=artifact.name,
            kind=artifact.kind,
            version=version.number,
            path=path,
            title=str(column["name"]),
            body=f"{column['type']} {path}",
        )
        for column in columns
    ]
