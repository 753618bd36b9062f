"""The steps of a Kubernetes Job that run in the kamld image: ``python -m kamld_trainer.executor.pod
prepare|publish``.

``prepare`` (an init container) pulls the pinned inputs into ``/work/inputs/<ROLE>`` and the code
(or the recipe's scripts and requirements) into ``/work/code``; the training container runs next;
``publish`` (the Job's main container) sends the tracked metrics and params to the run, pushes
``/work/output`` as the new model version and writes ``NAME:vN`` to its termination message, where
the trainer reads it. The run's spec comes in ``KAMLD_RUN_SPEC`` (JSON); the API token in
``KAMLD_TOKEN``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from kamld_trainer.executor.outputs import run_metadata, version_links
from kamld_trainer.runs.service import last_values

WORK = Path(os.environ.get("KAMLD_WORK_DIR", "/work"))
TERMINATION_LOG = Path(os.environ.get("KAMLD_TERMINATION_LOG", "/dev/termination-log"))
NO_OUTPUT_EXIT = 3


def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(os.environ["KAMLD_RUN_SPEC"])
    return spec


def prepare() -> None:
    from kamld.client import Client
    from kamld_trainer.recipes import SCRIPTS, get_recipe

    spec = _spec()
    code_dir = WORK / "code"
    with Client() as client:
        for item in spec["inputs"]:
            client.pull(item["ref"], WORK / "inputs" / item["role"], force=True)
            print(f"input {item['ref']} as {item['role']}", flush=True)
        if spec.get("code"):
            client.pull(spec["code"]["ref"], code_dir, force=True)
    if spec.get("recipe"):
        recipe = get_recipe(spec["recipe"])
        shutil.copytree(SCRIPTS, code_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        (code_dir / "requirements.txt").write_text("\n".join(recipe.requirements) + "\n")
    else:
        shutil.copy(SCRIPTS / "kamld_tracking.py", code_dir / "kamld_tracking.py")
    (WORK / "output").mkdir(parents=True, exist_ok=True)


def _tracked() -> tuple[dict[str, float], dict[str, Any], list[dict[str, Any]]]:
    from kamld_trainer.executor.worker import TrackingReader
    from kamld_trainer.runs.models import MetricRecord

    body = TrackingReader(WORK / "tracking.jsonl").read()
    points = [MetricRecord(key=m.key, step=m.step, value=m.value, seq=n) for n, m in enumerate(body.metrics)]
    return last_values(points), body.params, [m.model_dump() for m in body.metrics]


def publish() -> int:
    from kamld.client import Client

    spec = _spec()
    output = WORK / "output"
    if not output.is_dir() or not any(output.iterdir()):
        TERMINATION_LOG.write_text("no output: the run wrote nothing to $KAMLD_OUTPUT_DIR")
        return NO_OUTPUT_EXIT
    metrics, params, points = _tracked()
    with Client() as client:
        if points or params:
            client.call(
                "POST", f"/api/v1/runs/{spec['id']}/track", json={"metrics": points, "params": params}
            )
        metadata = run_metadata(
            spec["id"],
            recipe=spec.get("recipe"),
            code=spec.get("code"),
            entrypoint=spec.get("entrypoint"),
            params=spec.get("params") or {},
            logged_params=params,
            metrics=metrics,
        )
        version = client.push(
            output,
            spec["output"],
            f"run {spec['id']}",
            kind="model",
            inputs=version_links(spec["inputs"], spec.get("code")),
            metadata=metadata,
            allow_empty=True,
        )
    registered = f"{version.artifact}:{version.name}"
    TERMINATION_LOG.write_text(registered)
    print(f"registered {registered}", flush=True)
    return 0


def main() -> None:
    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "prepare":
        prepare()
    elif step == "publish":
        sys.exit(publish())
    else:
        sys.exit("usage: python -m kamld_trainer.executor.pod prepare|publish")


if __name__ == "__main__":
    main()
