"""`make bench` keeps working: the whole benchmark, at a hundredth of its size and without DVC.

Only that it runs, pulls back every byte it pushed (the benchmark checks that itself) and prints
every row; its timings are never judged here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kamld_testing.processes import free_port_block

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_runs_end_to_end_at_a_small_scale(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "0.01",
            "--no-dvc",
            "--skip-resolution",
            "--skip-mixed",
            "--skip-query",
            "--skip-split",
            "--settle-limit",
            "0",
            "--work",
            str(tmp_path),
            "--port-base",
            str(free_port_block(5)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("│")]
    for profile in ("many-small", "few-large", "tabular"):
        mine = [row.split("│")[1:4] for row in rows if row.split("│")[1].strip() == profile]
        operations = [(tool.strip(), operation.strip()) for _, tool, operation in mine]
        assert operations == [
            ("cp -r", "copy v1"),
            ("kamld", "ingest v1"),
            ("kamld", "ingest v2"),
            ("kamld", "pull v1"),
            ("kamld", "pull v1 again"),
            ("kamld", "pull v1 over v2"),
        ]
        assert f"[{profile}] pull of v1 over a directory holding v2: " in done.stdout
        assert f"[{profile}] pull into a directory holding v1: " in done.stdout
    assert "Peak RSS of each service during the run: " in done.stdout
    assert "storage-gateway" in done.stdout.split("Peak RSS of each service during the run: ")[1]


def test_the_mixed_reads_load_runs_on_both_engines(tmp_path: Path) -> None:
    """`--only mixed-reads` with one-second loads: every read answers (no errors) and is reported
    with the baseline and the CPU per request, on SQLite and on PostgreSQL."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--only",
            "mixed-reads",
            "--duration",
            "1",
            "--work",
            str(tmp_path),
            "--port-base",
            str(free_port_block(5)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    assert "failed" not in done.stderr, done.stderr[-3000:]
    for engine in ("sqlite", "postgresql"):
        lines = [line for line in done.stdout.splitlines() if line.startswith(f"mixed reads on {engine}")]
        assert len(lines) == 3, done.stdout
        assert "baseline GET /healthz" in lines[0]
        assert "closed loop" in lines[1] and "x of /healthz" in lines[1]
        assert "paced at 800 req/s offered" in lines[2]
        assert all(" 0 errors over " in line for line in lines[1:]), lines
    for route in ("show", "log", "files"):
        assert done.stdout.count(f"{route:>5}: ") == 4
    assert done.stdout.count("service CPU per request: ") == 6
