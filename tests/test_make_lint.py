"""`make test` lints first: ruff's lint and format check, then mypy, before any test runs."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_runs_the_lint_before_pytest() -> None:
    planned = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    steps = ["ruff check", "ruff format --check", "bin/mypy", "-m pytest"]
    positions = [next(i for i, line in enumerate(planned) if step in line) for step in steps]
    assert positions == sorted(positions), planned


def test_mypy_checks_libs_strictly_and_services_and_bench_in_standard_mode() -> None:
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    checked = set(mypy["files"])
    assert {f"libs/{lib}/src" for lib in ("common", "content", "sdk", "testing")} <= checked
    assert {str(path.relative_to(ROOT)) for path in ROOT.glob("services/*/src")} <= checked
    assert "bench" in checked
    strict = next(o for o in mypy["overrides"] if "kamld_common" in o["module"])
    assert {"kamld", "kamld_content", "kamld_testing"} <= set(strict["module"])
    assert strict["disallow_untyped_defs"] and strict["warn_return_any"] and strict["disallow_any_generics"]
