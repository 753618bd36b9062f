"""Schemathesis over every OpenAPI document of a running platform: no 5xx, no conformance failure.

One ``kamld up`` (SQLite) serves all five services; each document is fuzzed where its service
serves it, the public one authenticated with the admin token, the internal ones with the internal
token ``kamld up`` generated. The checks (every one that judges an answer) and the few exclusions,
each with its reason, are in ``schemathesis.toml``. Each run is bounded by a number of examples per
operation and uses a fixed seed (``KAMLD_FUZZ_SEED`` picks another, ``KAMLD_FUZZ_EXAMPLES`` more or
fewer examples), so a failure reproduces. Schemathesis's own report lands in the test's temporary
directory and its summary in the failure message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamld.supervisor import INTERNAL_TOKEN_FILE
from kamld_common.http import INTERNAL_TOKEN_HEADER
from kamld_testing.platform import Platform, clean_environment, launch_platform, stop_platform

pytestmark = pytest.mark.integration

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).with_name("st")
SEED = os.environ.get("KAMLD_FUZZ_SEED", "20261207")
EXAMPLES = os.environ.get("KAMLD_FUZZ_EXAMPLES", "25")
# The internal services' documents: where each serves it.
INTERNAL = ("metadata-hub", "storage-gateway", "trainer", "observation-hub")


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


def test_public_api_survives_fuzzing(fuzzed_platform: Platform, tmp_path: Path) -> None:
    gateway = fuzzed_platform.gateway
    result = run_schemathesis(
        gateway + "/api/v1/openapi.json",
        gateway,
        tmp_path,
        {"Authorization": f"Bearer {fuzzed_platform.token}"},
    )
    assert_clean(result)


@pytest.mark.parametrize("service", INTERNAL)
def test_internal_api_survives_fuzzing(fuzzed_platform: Platform, service: str, tmp_path: Path) -> None:
    url = fuzzed_platform.urls[service]
    token = (fuzzed_platform.home / INTERNAL_TOKEN_FILE).read_text().strip()
    result = run_schemathesis(url + "/openapi.json", url, tmp_path, {INTERNAL_TOKEN_HEADER: token})
    assert_clean(result)
