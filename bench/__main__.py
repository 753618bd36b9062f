"""``make bench``: KAML-D against ``cp -r`` and DVC on the same data, in the same run.

For every profile (many-small, few-large, tabular) it pushes v1 and v2 through the running
services with the ``kamld`` client and pulls v1 into an empty directory; does the same with
``dvc add`` + ``dvc push`` to a local remote and ``dvc pull`` into a fresh clone; copies with
``cp -r``; and prints seconds, MB/s, ratios, stored bytes and peak memory. Then it measures ref
resolution and mixed catalog reads through the gateway under 50 concurrent clients, on SQLite and
on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.baselines import DvcRepo, Trash, copy_tree
from bench.datasets import GENERATORS, Profile, tree_bytes
from bench.measure import Measured, ServiceMemoryWatch, mb, run_measured
from bench.settle import wait_after_deletion, wait_for_usual_file_creation

ROOT = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


@dataclass
class Row:
    profile: str
    tool: str
    operation: str
    seconds: float
    data_bytes: int
    peak_rss: int
    stored: int | None = None
    synced_after_s: float = 0.0

    @classmethod
    def of(
        cls,
        profile: str,
        tool: str,
        operation: str,
        run: Measured,
        data_bytes: int,
        stored: int | None = None,
    ) -> Row:
        """The row of one measured command."""
        return cls(
            profile,
            tool,
            operation,
            run.seconds,
            data_bytes,
            run.peak_rss,
            stored,
            synced_after_s=run.synced_after_s,
        )

    @property
    def mb_per_s(self) -> float:
        return mb(self.data_bytes) / self.seconds if self.seconds else float("inf")


class Platform:
    """The five services started with ``kamld up`` in a home of their own, for one benchmark run."""

    def __init__(
        self, home: Path, port_base: int, env: dict[str, str] | None = None, trash: Trash | None = None
    ) -> None:
        self.home = home
        self.trash = trash
        self.port_base = port_base
        self.env = {**os.environ, "KAMLD_HOME": str(home), **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Platform:
        if self.trash is not None:
            self.trash.discard(self.home)
        else:
            shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)
        log = (self.home / "up.log").open("wb")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "kamld"), "up", "--home", str(self.home), "--port-base", str(self.port_base)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kamld up exited: {(self.home / 'up.log').read_text()[-2000:]}")
            status = subprocess.run(
                [str(VENV_BIN / "kamld"), "status", "--json"], env=self.client_env, capture_output=True
            )
            if status.returncode == 0:
                return self
            time.sleep(0.5)
        raise RuntimeError("the platform did not become ready within 90 s")

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def client_env(self) -> dict[str, str]:
        return {k: v for k, v in self.env.items() if k not in ("KAMLD_URL", "KAMLD_TOKEN")}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port_base}"

    def service_pids(self) -> dict[str, int]:
        state = json.loads((self.home / "services.json").read_text())
        services = state.get("services", state)
        return {name: info["pid"] for name, info in services.items() if info.get("pid")}

    def stored_bytes(self) -> int:
        return tree_bytes(self.home / "storage-gateway" / "objects")

    def kamld(self, *args: str) -> Measured:
        return run_measured([str(VENV_BIN / "kamld"), *args], env=self.client_env)


def forget_working_copy(directory: Path) -> None:
    """Remove the state a push records, so that ``cp -r`` and DVC copy and version only the data."""
    shutil.rmtree(directory / ".kamld", ignore_errors=True)


def bench_kamld(
    platform: Platform, profile: Profile, work: Path, trash: Trash, targets: list[Target]
) -> list[Row]:
    name = f"bench-{profile.name}"
    rows = []
    stored_before = platform.stored_bytes()
    push1 = platform.kamld("push", str(profile.v1), name, "-m", "v1", "--json")
    forget_working_copy(profile.v1)
    stored_v1 = platform.stored_bytes() - stored_before
    rows.append(Row.of(profile.name, "kamld", "ingest v1", push1, profile.bytes_v1, stored_v1))
    push2 = platform.kamld("push", str(profile.v2), name, "-m", "v2", "--json")
    forget_working_copy(profile.v2)
    stored_v2 = platform.stored_bytes() - stored_before
    rows.append(
        Row.of(profile.name, "kamld", "ingest v2", push2, tree_bytes(profile.v2), stored_v2 - stored_v1)
    )
    target = work / "kamld-pull"
    trash.discard(target)
    pull = platform.kamld("pull", f"{name}:v1", str(target), "--json")
    if tree_bytes(target) != profile.bytes_v1:
        raise RuntimeError(
            f"kamld pull of {name}:v1 returned {tree_bytes(target)} bytes, expected {profile.bytes_v1}"
        )
    rows.append(Row.of(profile.name, "kamld", "pull v1", pull, profile.bytes_v1))
    again = platform.kamld("pull", f"{name}:v1", str(target), "--json")
    rows.append(Row.of(profile.name, "kamld", "pull v1 again", again, profile.bytes_v1))
    targets.append(Target(profile.name, "pull into a directory holding v1", again, pull))
    trash.discard(target)
    platform.kamld("pull", f"{name}:v2", str(target), "--json")
    over = platform.kamld("pull", f"{name}:v1", str(target), "--json")
    if tree_bytes(target) != profile.bytes_v1:
        raise RuntimeError(f"kamld pull of {name}:v1 over v2 left {tree_bytes(target)} bytes")
    rows.append(Row.of(profile.name, "kamld", "pull v1 over v2", over, profile.bytes_v1))
    targets.append(Target(profile.name, "pull of v1 over a directory holding v2", over, pull))
    trash.discard(target)
    return rows


@dataclass
class Target:
    """A working-copy pull measured against a fresh pull of the same version, in the same run."""

    profile: str
    what: str
    run: Measured
    fresh: Measured

    def line(self) -> str:
        answer = json.loads(self.run.stdout)
        return (
            f"[{self.profile}] {self.what}: {self.run.seconds:.2f} s "
            f"({self.fresh.seconds / self.run.seconds:.1f}x faster than a fresh pull of v1, "
            f"{self.fresh.seconds:.2f} s); downloaded {mb(answer['bytes_downloaded']):.2f} MB, "
            f"reused {mb(answer['bytes_reused']):.2f} MB from the directory"
        )


def bench_dvc(profile: Profile, work: Path, trash: Trash) -> list[Row]:
    dvc = shutil.which("dvc", path=str(VENV_BIN)) or shutil.which("dvc")
    if not dvc:
        print("dvc is not installed: DVC rows are left out (make bench installs it)", file=sys.stderr)
        return []
    repo = DvcRepo(work / "dvc", dvc, trash)
    repo.init()
    repo.stage(profile.v1)
    v1 = repo.add_and_push("v1")
    stored_v1 = tree_bytes(repo.remote)
    repo.stage(profile.v2)
    v2 = repo.add_and_push("v2")
    stored_v2 = tree_bytes(repo.remote)
    pull = repo.pull_into_fresh_clone(work / "dvc-clone")
    rows = [
        Row.of(profile.name, "dvc", "ingest v1", v1, profile.bytes_v1, stored_v1),
        Row.of(profile.name, "dvc", "ingest v2", v2, tree_bytes(profile.v2), stored_v2 - stored_v1),
        Row.of(profile.name, "dvc", "pull v1", pull, profile.bytes_v1),
    ]
    trash.discard(work / "dvc")
    trash.discard(work / "dvc-clone")
    return rows


def bench_cp(profile: Profile, work: Path, trash: Trash) -> list[Row]:
    copied = copy_tree(profile.v1, work / "cp-target", trash)
    trash.discard(work / "cp-target")
    return [Row.of(profile.name, "cp -r", "copy v1", copied, profile.bytes_v1, profile.bytes_v1)]


def print_table(rows: list[Row], service_peaks: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    by_key = {(r.profile, r.tool, r.operation): r for r in rows}
    table = Table(title="KAML-D vs DVC vs cp -r (same data, same run)")
    for column in (
        "profile",
        "tool",
        "operation",
        "seconds",
        "MB/s",
        "DVC time / this",
        "cp time / this",
        "stored (MB)",
        "stored % of data",
        "peak RSS (MB)",
        "sync after (s)",
    ):
        table.add_column(
            column, justify="right" if column not in ("profile", "tool", "operation") else "left"
        )
    for r in rows:
        dvc_row = by_key.get((r.profile, "dvc", r.operation))
        cp_row = by_key.get((r.profile, "cp -r", "copy v1"))
        vs_dvc = f"{dvc_row.seconds / r.seconds:.2f}x" if dvc_row and r.tool != "dvc" else "—"
        vs_cp = f"{cp_row.seconds / r.seconds:.2f}x" if cp_row and r.tool != "cp -r" else "—"
        stored = f"{mb(r.stored):.1f}" if r.stored is not None else ""
        pct = f"{100 * r.stored / r.data_bytes:.2f}%" if r.stored is not None else ""
        table.add_row(
            r.profile,
            r.tool,
            r.operation,
            f"{r.seconds:.2f}",
            f"{r.mb_per_s:.1f}",
            vs_dvc,
            vs_cp,
            stored,
            pct,
            f"{mb(r.peak_rss):.0f}",
            f"{r.synced_after_s:.2f}",
        )
    console = Console(width=200)
    console.print(table)
    console.print(
        "sync after: how long a sync took right after the step (not part of its seconds): writing "
        "back what it left in the page cache and flushing the disk's write cache. kamld's ingest "
        "answers only once its data is durable; cp and DVC leave their writes to the cache."
    )
    if service_peaks:
        console.print(
            "Peak RSS of each service during the run: "
            + ", ".join(f"{name} {mb(peak):.0f} MB" for name, peak in sorted(service_peaks.items()))
        )


@contextmanager
def _postgres_urls():
    from kamld_testing.postgres import fresh_postgres_database

    with fresh_postgres_database() as wb, fresh_postgres_database() as mh, fresh_postgres_database() as sg:
        yield {
            "KAMLD_WORKBENCH_API_DATABASE_URL": wb,
            "KAMLD_METADATA_HUB_DATABASE_URL": mh,
            "KAMLD_STORAGE_GATEWAY_DATABASE_URL": sg,
        }


def bench_resolution(work: Path, port_base: int, duration_s: float, concurrency: int, rate: float) -> None:
    from bench.resolve_load import run_loads

    for engine in ("sqlite", "postgresql"):
        try:
            ctx = _postgres_urls() if engine == "postgresql" else _no_env()
            with ctx as env, Platform(work / f"home-resolve-{engine}", port_base, env) as platform:
                loads = [(None, False), (rate, False), (None, True), (rate, True)]
                results = run_loads(platform, duration_s=duration_s, concurrency=concurrency, loads=loads)
        except Exception as exc:  # noqa: BLE001 - one engine failing should not hide the other's figures
            print(f"ref resolution on {engine}: failed: {exc}", file=sys.stderr)
            continue
        for result in results:
            load = f"paced at {result.offered_rps:.0f} req/s offered" if result.offered_rps else "closed loop"
            load += ", no-cache (exact)" if result.exact else ""
            print(
                f"ref resolution GET /api/v1/artifacts/{{name}}/versions/latest on {engine}, "
                f"{concurrency} clients, {load}: "
                f"{result.rps:.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                f"{result.errors} errors over {result.requests} requests "
                f"(load from {result.generator}; load average after the run "
                f"{', '.join(f'{v:.1f}' for v in result.load_average)} on {os.cpu_count()} CPUs)"
            )


def bench_mixed_reads(work: Path, port_base: int, duration_s: float, concurrency: int, rate: float) -> None:
    from bench.mixed_reads import report, run

    for engine in ("sqlite", "postgresql"):
        try:
            ctx = _postgres_urls() if engine == "postgresql" else _no_env()
            with ctx as env, Platform(work / f"home-mixed-{engine}", port_base, env) as platform:
                baseline, mixed = run(platform, duration_s=duration_s, concurrency=concurrency, rate=rate)
        except Exception as exc:  # noqa: BLE001 - one engine failing should not hide the other's figures
            print(f"mixed reads on {engine}: failed: {exc}", file=sys.stderr)
            continue
        print("\n".join(report(engine, concurrency, baseline, mixed)), flush=True)


@contextmanager
def _no_env():
    yield {}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--profiles", nargs="+", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--scale", type=float, default=1.0, help="shrink every profile (0.1 = a tenth)")
    parser.add_argument("--work", type=Path, default=ROOT / ".work", help="where data and stores go")
    parser.add_argument("--port-base", type=int, default=18080)
    parser.add_argument(
        "--settle-limit",
        type=float,
        default=420.0,
        help="most seconds to wait, at the start and before each profile, for file creation to be "
        "fast again after recent deletions (0: no waiting, one probe)",
    )
    parser.add_argument("--no-dvc", action="store_true", help="leave DVC out")
    parser.add_argument("--skip-storage", action="store_true", help="only the ref-resolution load test")
    parser.add_argument(
        "--skip-resolution", action="store_true", help="leave the ref-resolution load test out"
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per engine")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--rate", type=float, default=500.0, help="offered requests/s of the paced resolution load"
    )
    parser.add_argument(
        "--mixed-rate", type=float, default=800.0, help="offered requests/s of the paced mixed-reads load"
    )
    parser.add_argument("--skip-mixed", action="store_true", help="leave the mixed-reads load test out")
    parser.add_argument(
        "--skip-query", action="store_true", help="leave out SQL over versions and the S3 endpoint"
    )
    parser.add_argument("--skip-split", action="store_true", help="leave out the zero-copy split")
    parser.add_argument(
        "--only",
        choices=["storage", "resolution", "mixed-reads", "metadata", "events", "query", "split"],
        help="run this part alone (the same as skipping the others); metadata and events run only this way",
    )
    parser.add_argument(
        "--metadata-scale",
        type=float,
        default=0.1,
        help="size of the metadata part: 1 = 100,000 artifacts, 1,000,000 paths and recall entries, "
        "the 500 MB CSV (the targets' sizes); default a tenth",
    )
    parser.add_argument(
        "--event-mutations", type=int, default=10_000, help="alias moves of the observation-hub kill test"
    )
    args = parser.parse_args()
    if args.only == "events":
        from bench.events import bench_events

        bench_events(args.work, args.event_mutations)
        return 0
    if args.only == "metadata":
        from bench.metadata import run as run_metadata

        engines = [("sqlite", _no_env), ("postgresql", _postgres_urls)]
        for line in run_metadata(
            args.work,
            args.port_base,
            args.metadata_scale,
            Platform,
            engines,
            lambda root, scale: GENERATORS["tabular"](root, scale).v1 / "table.csv",
        ):
            print(line, flush=True)
        return 0
    if args.only:
        args.skip_storage = args.only != "storage"
        args.skip_resolution = args.only != "resolution"
        args.skip_mixed = args.only != "mixed-reads"
        args.skip_query = args.only != "query"
        args.skip_split = args.only != "split"
    args.work.mkdir(parents=True, exist_ok=True)

    if not args.skip_storage:
        rows: list[Row] = []
        targets: list[Target] = []
        data = args.work / "data"
        trash = Trash(args.work / "trash")
        wait_after_deletion(trash.seconds_since_emptied(), limit_s=args.settle_limit)
        with (
            Platform(args.work / "home", args.port_base, trash=trash) as platform,
            ServiceMemoryWatch(platform.service_pids()) as watch,
        ):
            for name in args.profiles:
                print(f"[{name}] generating data (scale {args.scale})", flush=True)
                profile = GENERATORS[name](data, args.scale)
                wait_for_usual_file_creation(trash.root / name, limit_s=args.settle_limit)
                print(f"[{name}] {mb(profile.bytes_v1):.0f} MB: cp -r, kamld, dvc", flush=True)
                rows += bench_cp(profile, args.work, trash)
                rows += bench_kamld(platform, profile, args.work, trash, targets)
                if not args.no_dvc:
                    rows += bench_dvc(profile, args.work, trash)
        trash.empty()
        print_table(rows, watch.peaks)
        for target in targets:
            print(target.line())
    if not args.skip_resolution:
        bench_resolution(args.work, args.port_base, args.duration, args.concurrency, args.rate)
    if not args.skip_mixed:
        bench_mixed_reads(args.work, args.port_base, args.duration, args.concurrency, args.mixed_rate)
    parts = tuple(part for part, skip in (("query", args.skip_query), ("split", args.skip_split)) if not skip)
    if parts:
        from bench import query_s3

        with Platform(args.work / "query-home", args.port_base + 20) as platform:
            query_s3.run(platform, args.work / "data", args.scale, args.work, parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
