"""Why did the model change: what differs between the runs that produced two model versions.

From each version's ``metadata.run`` (recorded by the trainer or by ``kamld.start_run``) and its
inputs: params and metrics side by side, the code version and its file changes, and for every
input role whose version differs, the file changes between the two input versions.
"""

from __future__ import annotations

from typing import Any

from kamld.client import Client
from kamld.models import Version


def _side_by_side(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "from": a.get(key), "to": b.get(key)} for key in sorted({*a, *b})]


def _changes(client: Client, ref_a: str, ref_b: str) -> list[dict[str, Any]] | None:
    """File changes from ``ref_a`` to ``ref_b``: None when they are versions of different artifacts."""
    if ref_a.split(":", 1)[0] != ref_b.split(":", 1)[0]:
        return None
    return [change.to_dict() for change in client.diff(ref_a, ref_b).changes]


def explain(client: Client, a: Version, b: Version) -> dict[str, Any] | None:
    """The training differences of two model versions; None unless both record a run."""
    run_a, run_b = a.metadata.get("run"), b.metadata.get("run")
    if not isinstance(run_a, dict) or not isinstance(run_b, dict):
        return None
    inputs_a = {link.role: link.ref for link in a.inputs if link.role != "code"}
    inputs_b = {link.role: link.ref for link in b.inputs if link.role != "code"}
    inputs = []
    for role in sorted({*inputs_a, *inputs_b}):
        old, new = inputs_a.get(role), inputs_b.get(role)
        entry: dict[str, Any] = {"role": role, "from": old, "to": new, "changed": old != new}
        if old and new and old != new:
            entry["changes"] = _changes(client, old, new)
        inputs.append(entry)
    code_a, code_b = run_a.get("code"), run_b.get("code")
    code: dict[str, Any] = {"from": code_a, "to": code_b, "changed": code_a != code_b}
    if code_a and code_b and code_a != code_b:
        code["changes"] = _changes(client, code_a, code_b)
    return {
        "runs": {"from": run_a.get("id"), "to": run_b.get("id")},
        "recipe": {"from": run_a.get("recipe"), "to": run_b.get("recipe")},
        "params": _side_by_side(run_a.get("params") or {}, run_b.get("params") or {}),
        "metrics": _side_by_side(run_a.get("metrics") or {}, run_b.get("metrics") or {}),
        "code": code,
        "inputs": inputs,
    }
