"""``kamld.start_run``: the same lineage, params and metrics inside the trainer and by hand.

Inside a run the trainer started (``KAMLD_RUN_ID`` and ``KAMLD_TRACKING_FILE`` are set), metrics
and params are appended as JSON lines to the tracking file the trainer reads while the run lives,
and ``push_model`` copies the model into ``$KAMLD_OUTPUT_DIR``, which the trainer pushes when the
command succeeds. Anywhere else (a notebook, a laptop), ``start_run`` records a run with executor
``external`` through the API, logs to it, and ``push_model`` pushes the model itself with the
run's pinned inputs and finishes the run.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from kamld.client import API, Client, _segment


class TrackedRun:
    """One run being tracked; use it as a context manager (an exception marks it failed)."""

    def __init__(self, client: Client | None, run: dict[str, Any] | None, params: Mapping[str, Any]) -> None:
        self.client = client
        self.run = run or {}
        self.params = dict(params)
        self.metrics: dict[str, float] = {}
        self.output_version: str | None = None
        self.finished = False

    @property
    def id(self) -> str:
        return str(self.run.get("id") or os.environ.get("KAMLD_RUN_ID", ""))

    @property
    def inside_trainer(self) -> bool:
        return self.client is None

    def _append(self, record: dict[str, Any]) -> None:
        with open(os.environ["KAMLD_TRACKING_FILE"], "a", encoding="utf-8") as out:
            out.write(json.dumps({**record, "at": time.time()}) + "\n")

    def log_metric(self, key: str, value: float, step: int = 0) -> None:
        self.metrics[key] = float(value)
        if self.client is None:
            self._append({"type": "metric", "key": key, "value": float(value), "step": int(step)})
        else:
            body = {"metrics": [{"key": key, "value": float(value), "step": int(step)}]}
            self.client.call("POST", f"{API}/runs/{_segment(self.id)}/track", json=body)

    def log_param(self, key: str, value: Any) -> None:
        self.log_params({key: value})

    def log_params(self, params: Mapping[str, Any]) -> None:
        self.params.update(params)
        if self.client is None:
            for key, value in params.items():
                self._append({"type": "param", "key": key, "value": value})
        else:
            self.client.call("POST", f"{API}/runs/{_segment(self.id)}/track", json={"params": dict(params)})

    def push_model(self, directory: str | Path, name: str | None = None, message: str = "") -> str | None:
        """Register ``directory`` as the run's model: by hand, pushed now as a new version of ``name``
        (default: the run's output) with the run's inputs, params and metrics, and the run finishes;
        inside the trainer, copied to the output the trainer pushes when the run succeeds (None)."""
        source = Path(directory)
        if self.client is None:
            shutil.copytree(source, os.environ["KAMLD_OUTPUT_DIR"], dirs_exist_ok=True)
            return None
        target = name or self.run.get("output")
        if not target:
            raise ValueError("push_model needs a name: the run was started without an output")
        links = [(item["ref"], item["role"]) for item in self.run.get("inputs", [])]
        metadata = {"run": {"id": self.id, "params": self.params, "metrics": self.metrics}}
        version = self.client.push(
            source, target, message or f"run {self.id}", kind="model", inputs=links, metadata=metadata
        )
        self.output_version = f"{version.artifact}:{version.name}"
        self._finish("succeeded")
        return self.output_version

    def _finish(self, status: str, error: str | None = None) -> None:
        if self.client is None or self.finished:
            return
        body: dict[str, Any] = {"status": status, "output_version": self.output_version}
        if error:
            body["error"] = error[:8000]
        self.client.call("POST", f"{API}/runs/{_segment(self.id)}/finish", json=body)
        self.finished = True

    def __enter__(self) -> TrackedRun:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: TracebackType | None
    ) -> None:
        if kind is not None:
            self._finish("failed", f"{kind.__name__}: {error}")
        elif not self.finished and self.client is not None:
            self._finish(
                "succeeded" if self.output_version else "failed", None if self.output_version else "no output"
            )
        if self.client is not None and self._owns_client:
            self.client.close()

    _owns_client = False


def start_run(
    inputs: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    *,
    output: str | None = None,
    name: str | None = None,
    client: Client | None = None,
) -> TrackedRun:
    """Track a training run: ``inputs`` as ``NAME[:REF][=ROLE]`` (pinned to exact versions now),
    ``params`` recorded with it. Inside a trainer run, the trainer's run is the one tracked."""
    if os.environ.get("KAMLD_RUN_ID") and os.environ.get("KAMLD_TRACKING_FILE"):
        tracked = TrackedRun(None, None, {})
        if params:
            tracked.log_params(params)
        return tracked
    owned = client is None
    client = client or Client()
    body: dict[str, Any] = {"executor": "external", "inputs": list(inputs), "params": dict(params or {})}
    if output:
        body["output"] = output
    if name:
        body["name"] = name
    try:
        run = client.call("POST", f"{API}/runs", json=body)
    except BaseException:
        if owned:
            client.close()
        raise
    tracked = TrackedRun(client, run, params or {})
    tracked._owns_client = owned
    return tracked
