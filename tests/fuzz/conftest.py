"""Schemathesis over every OpenAPI document of a running platform: no 5xx, no conformance failure.

In each test module one ``kamld up`` (SQLite) serves all five services (the public and the internal
documents are fuzzed in separate modules, so test workers can run them side by side). Each document
is fuzzed where its service serves it, the public one authenticated with the admin token, the
internal ones with the internal token ``kamld up`` generated. The checks (every one that judges an
answer) and the few exclusions, each with its reason, are in ``schemathesis.toml``. Each run is
bounded by a number of examples per operation and uses a fixed seed (``KAMLD_FUZZ_SEED`` picks
another, ``KAMLD_FUZZ_EXAMPLES`` more or fewer examples), so a failure reproduces. Schemathesis's
own report lands in the test's temporary directory and its summary in the failure message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kamld_testing.platform import Platform, clean_environment, launch_platform, stop_platform

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).with_name("st")
SEED = os.environ.get("KAMLD_FUZZ_SEED", "20261207")
EXAMPLES = os.environ.get("KAMLD_FUZZ_EXAMPLES", "25")
FUZZ_TIMEOUT_S = 900
"""pytest's limit for one fuzzing test; the run of schemathesis inside has its own of 600 s."""

Fuzz = Callable[[str, str, dict[str, str]], None]


@pytest.fixture(scope="module")
def fuzzed_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    platform = launch_platform(tmp_path_factory.mktemp("fuzz-home"), clean_environment(), database="sqlite")
    try:
        yield platform
    finally:
        stop_platform(platform.process)


def run_schemathesis(
    document: str, base_url: str, report: Path, headers: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = [
        str(ST),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        document,
        "--url",
        base_url,
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--phases",
        "examples,coverage,fuzzing",
        "--workers",
        "2",
        "--no-color",
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(report),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": str(HERE)}
    return subprocess.run(
        command, cwd=report, env=environment, capture_output=True, text=True, timeout=600, check=False
    )


def summary(output: str) -> str:
    """The failures and the summary of a run, without the per-case request dumps above them."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if "FAILURES" in line or "SUMMARY" in line), 0)
    return "\n".join(lines[start:])[-12_000:]


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, summary(result.stdout + result.stderr)


@pytest.fixture
def fuzz(tmp_path: Path) -> Fuzz:
    """``fuzz(document, base_url, headers)`` runs schemathesis and fails the test on any finding."""

    def run(document: str, base_url: str, headers: dict[str, str]) -> None:
        assert_clean(run_schemathesis(document, base_url, tmp_path, headers))

    return run
