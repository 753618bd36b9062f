"""What a run's model version records: its inputs with roles (and the code as role ``code``), and
``metadata.run``. One place, so local runs and Kubernetes Jobs register the same lineage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def version_links(
    inputs: Sequence[Mapping[str, Any]], code: Mapping[str, Any] | None
) -> list[tuple[str, str]]:
    links = [(str(item["ref"]), str(item["role"])) for item in inputs]
    if code:
        links.append((str(code["ref"]), "code"))
    return links


def run_metadata(
    run_id: str,
    *,
    recipe: str | None,
    code: Mapping[str, Any] | None,
    entrypoint: Sequence[str] | None,
    params: Mapping[str, Any],
    logged_params: Mapping[str, Any],
    metrics: Mapping[str, float],
) -> dict[str, Any]:
    return {
        "run": {
            "id": run_id,
            "recipe": recipe,
            "code": code["ref"] if code else None,
            "entrypoint": list(entrypoint) if entrypoint else None,
            "params": {**params, **logged_params},
            "metrics": dict(metrics),
        }
    }
