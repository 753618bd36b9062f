"""workbench-api with several worker processes: start-up (migrations, the bootstrap admin token)
runs once before the workers start, and every worker serves the API."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from pathlib import Path

import httpx

from kamld_testing.processes import launch_service, stop_services

from .conftest import push_files, start_services


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_two_workers_share_the_port_and_serve_the_catalog(tmp_path):
    gateway = start_services(tmp_path, {"KAMLD_WORKBENCH_API_WORKERS": "2"})
    try:
        parent = gateway.services["workbench-api"].process.pid
        workers = [
            pid for pid in children_of(parent) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        assert len(workers) == 2
        name = f"workers-{secrets.token_hex(4)}"
        with gateway.client(gateway.admin_token) as client:
            push_files(client, name, {"a.txt": b"a"}, kind="dataset")
        numbers = set()
        for _ in range(20):
            # A new connection each time, so the kernel spreads them over both workers.
            with httpx.Client(
                base_url=gateway.url, headers={"Authorization": f"Bearer {gateway.admin_token}"}
            ) as one:
                answer = one.get(f"/api/v1/artifacts/{name}/versions/latest")
                assert answer.status_code == 200, answer.text
                numbers.add(answer.json()["number"])
        assert numbers == {1}
        # Any worker's /metrics reports the requests of both (Prometheus multiprocess mode).
        metrics = httpx.get(
            gateway.url + "/metrics", headers={"Authorization": f"Bearer {gateway.admin_token}"}
        ).text
        served = sum(
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith("http_requests_total{")
            and 'handler="/api/v1/artifacts/{name}/versions/{ref}"' in line
        )
        assert served >= 20, metrics[:3000]
    finally:
        stop_services(*gateway.services.values())


def test_a_write_through_one_worker_is_read_through_every_worker(tmp_path):
    """Readers without no-cache reach either worker; both must see an alias move at once."""
    gateway = start_services(tmp_path, {"KAMLD_WORKBENCH_API_WORKERS": "2"})
    try:
        name = f"epochs-{secrets.token_hex(4)}"
        auth = {"Authorization": f"Bearer {gateway.admin_token}"}
        with gateway.client(gateway.admin_token) as client:
            push_files(client, name, {"a.txt": b"a"}, kind="dataset")
            push_files(client, name, {"a.txt": b"b"})
        for version in ("v1", "v2", "v1"):
            with httpx.Client(base_url=gateway.url, headers=auth) as writer:
                writer.put(
                    f"/api/v1/artifacts/{name}/aliases/prod", json={"version": version}
                ).raise_for_status()
            for _ in range(10):
                with httpx.Client(base_url=gateway.url, headers=auth) as reader:
                    answer = reader.get(f"/api/v1/artifacts/{name}/versions/prod")
                    assert answer.json()["name"] == version
    finally:
        stop_services(*gateway.services.values())


def test_show_log_and_listings_follow_writes_through_every_worker(tmp_path):
    """Artifact views and log pages are shared reads and listing pages are kept by manifest
    digest: after a push or an alias move, every worker answers with what it changed."""
    gateway = start_services(tmp_path, {"KAMLD_WORKBENCH_API_WORKERS": "2"})
    try:
        name = f"views-{secrets.token_hex(4)}"
        auth = {"Authorization": f"Bearer {gateway.admin_token}"}
        base = f"/api/v1/artifacts/{name}"
        with gateway.client(gateway.admin_token) as client:
            push_files(client, name, {"a.txt": b"a"}, kind="dataset")
        for number, files in ((2, {"a.txt": b"a", "b.txt": b"b"}), (3, {"c.txt": b"c"})):
            for _ in range(6):
                with httpx.Client(base_url=gateway.url, headers=auth) as reader:
                    reader.get(base).raise_for_status()
                    reader.get(f"{base}/versions").raise_for_status()
                    reader.get(f"{base}/versions/latest/files").raise_for_status()
            with gateway.client(gateway.admin_token) as client:
                push_files(client, name, files)
            for _ in range(10):
                with httpx.Client(base_url=gateway.url, headers=auth) as reader:
                    assert reader.get(base).json()["version_count"] == number
                    log = reader.get(f"{base}/versions").json()["items"]
                    assert [v["number"] for v in log] == list(range(number, 0, -1))
                    listing = reader.get(f"{base}/versions/latest/files").json()["items"]
                    assert [f["path"] for f in listing] == sorted(files)
        for version, paths in (("v1", ["a.txt"]), ("v3", ["c.txt"]), ("v2", ["a.txt", "b.txt"])):
            with httpx.Client(base_url=gateway.url, headers=auth) as writer:
                writer.put(f"{base}/aliases/prod", json={"version": version}).raise_for_status()
            for _ in range(10):
                with httpx.Client(base_url=gateway.url, headers=auth) as reader:
                    listing = reader.get(f"{base}/versions/prod/files").json()["items"]
                    assert [f["path"] for f in listing] == paths
                    log = reader.get(f"{base}/versions").json()["items"]
                    assert [v["name"] for v in log if "prod" in v["aliases"]] == [version]
    finally:
        stop_services(*gateway.services.values())


def test_a_token_revoked_through_one_worker_is_refused_by_every_worker(tmp_path):
    gateway = start_services(tmp_path, {"KAMLD_WORKBENCH_API_WORKERS": "2"})
    try:
        secret = gateway.token("viewer")

        def statuses() -> set[int]:
            seen = set()
            for _ in range(20):
                # A new connection each time, so the kernel spreads them over both workers.
                with httpx.Client(base_url=gateway.url, headers={"Authorization": f"Bearer {secret}"}) as one:
                    seen.add(one.get("/api/v1/artifacts").status_code)
            return seen

        assert statuses() == {200}  # remembered by both workers now
        with gateway.client(gateway.admin_token) as admin:
            names = [t["name"] for t in admin.get("/api/v1/tokens").json() if t["role"] == "viewer"]
            for name in names:
                assert admin.delete(f"/api/v1/tokens/{name}").status_code == 204
        assert statuses() == {401}
    finally:
        stop_services(*gateway.services.values())


def test_workers_end_when_their_parent_is_killed(tmp_path):
    """Outside ``kamld up`` too: nothing else would stop the orphans still holding the port."""
    gateway = launch_service("workbench-api", home=tmp_path, env={"KAMLD_WORKBENCH_API_WORKERS": "2"})
    workers: list[int] = []
    try:
        gateway.wait_ready(probe="/healthz")
        workers = [pid for pid in children_of(gateway.process.pid) if _is_worker(pid)]
        assert len(workers) == 2
        gateway.process.kill()
        gateway.process.wait()
        deadline = time.monotonic() + 30
        while [pid for pid in workers if _running(pid)]:
            assert time.monotonic() < deadline, "a worker outlived its killed parent"
            time.sleep(0.1)
    finally:
        gateway.stop()
        for pid in workers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever adopts it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
