"""Tracking for scripts that run without the kamld package: metrics and params as JSON lines in
``$KAMLD_TRACKING_FILE``, which the trainer reads while the run is live (the same lines the SDK's
``kamld.start_run`` writes inside a run)."""

import json
import os
import time


def _write(record):
    path = os.environ.get("KAMLD_TRACKING_FILE")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({**record, "at": time.time()}) + "\n")


def log_metric(key, value, step=0):
    _write({"type": "metric", "key": key, "value": float(value), "step": int(step)})


def log_param(key, value):
    _write({"type": "param", "key": key, "value": value})


def params():
    return json.loads(os.environ.get("KAMLD_PARAMS", "{}"))


def inputs():
    """Role (or artifact name) -> the directory holding that input version."""
    return json.loads(os.environ.get("KAMLD_INPUTS", "{}"))


def output_dir():
    return os.environ["KAMLD_OUTPUT_DIR"]
