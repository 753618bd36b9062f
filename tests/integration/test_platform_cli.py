"""``kamld up`` and ``kamld status`` as a user runs them: real processes, real signals."""

from __future__ import annotations

import json
import os
import signal
import socket
import time

import httpx
import pytest

SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")

pytestmark = pytest.mark.integration


def wait_until(condition, timeout_s: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_up_status_crash_restart_and_sigterm(kamld_up, kamld_cli, is_alive) -> None:
    platform = kamld_up()
    pids = platform.pids()
    assert set(pids) == set(SERVICES) and all(is_alive(pid) for pid in pids.values())
    config = (platform.home / "config").read_text()
    assert f'url = "{platform.gateway}"' in config
    assert oct((platform.home / "config").stat().st_mode & 0o777) == "0o600"
    for service in SERVICES:
        assert (platform.home / "logs" / f"{service}.log").stat().st_size > 0

    status = kamld_cli("status", "--json", home=platform.home)
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["status"] == "ok" and report["source"] == "gateway"
    assert [(s["name"], s["status"]) for s in report["services"]] == [(s, "ok") for s in SERVICES]
    assert all(s["version"] for s in report["services"])

    # A frozen service answers nothing: status says which one and exits non-zero.
    os.kill(pids["trainer"], signal.SIGSTOP)
    try:
        frozen = kamld_cli("status", "--json", home=platform.home)
    finally:
        os.kill(pids["trainer"], signal.SIGCONT)
    assert frozen.returncode == 1
    states = {s["name"]: s["status"] for s in json.loads(frozen.stdout)["services"]}
    assert states["trainer"] == "down" and states["metadata-hub"] == "ok"

    # A killed service is restarted (with a new pid) and becomes ready again.
    os.kill(pids["metadata-hub"], signal.SIGKILL)
    wait_until(lambda: platform.pids()["metadata-hub"] != pids["metadata-hub"], what="metadata-hub restart")
    wait_until(lambda: _ready(platform.urls["metadata-hub"]), what="the restarted metadata-hub to be ready")
    assert "metadata-hub exited with code -9; restarting" in (platform.home / "up.out").read_text()

    # SIGTERM stops every service, then kamld up itself.
    children = platform.pids()
    platform.process.send_signal(signal.SIGTERM)
    assert platform.process.wait(timeout=30) == 0
    assert [name for name, pid in children.items() if is_alive(pid)] == []

    # With the gateway down, status asks each service itself and says they are down.
    after = kamld_cli("status", "--json", home=platform.home)
    assert after.returncode == 1
    report = json.loads(after.stdout)
    assert report["source"] == "direct"
    assert {s["status"] for s in report["services"]} == {"down"}


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_restart_keeps_the_admin_token(kamld_up, kamld_cli, tmp_path) -> None:
    first = kamld_up()
    token = first.token
    first.process.send_signal(signal.SIGTERM)
    first.process.wait(timeout=30)
    second = kamld_up()
    assert second.token == token
    response = httpx.get(second.gateway + "/api/v1/status", headers=second.auth)
    assert response.status_code == 200


def test_taken_port_is_a_one_line_error(kamld_cli, unused_ports, tmp_path) -> None:
    ports = unused_ports(5)
    env = {f"KAMLD_{s.upper().replace('-', '_')}_PORT": str(p) for s, p in zip(SERVICES, ports, strict=True)}
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", ports[2]))
        blocker.listen()
        result = kamld_cli("up", "--home", str(tmp_path / "home"), home=tmp_path / "home", env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {ports[2]}" in lines[0] and "storage-gateway" in lines[0]
    assert not (tmp_path / "home" / "logs").exists()
