"""Under ``kamld up`` the internal services answer only callers holding the platform's internal secret,
listen on the loopback interface only, and a killed service takes its worker processes with it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import httpx
import psutil

INTERNAL = ("metadata-hub", "storage-gateway", "trainer", "observation-hub")
TOKEN_HEADER = "X-Kamld-Internal-Token"


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_internal_services_refuse_callers_without_the_internal_secret(kamld_up) -> None:
    platform = kamld_up()
    urls = platform.urls
    secret_file = platform.home / "internal-token"
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    secret = secret_file.read_text().strip()
    assert len(secret) >= 32

    forged = httpx.put(
        urls["metadata-hub"] + "/artifacts/ds1/aliases/evil",
        headers={"X-Kamld-Caller": "kamld-up"},
        json={"version": "v1"},
    )
    assert forged.status_code == 401
    assert forged.headers["content-type"].startswith("application/problem+json")
    assert forged.json()["code"] == "internal_token_required"
    gc = httpx.post(urls["storage-gateway"] + "/gc", params={"dry_run": "false", "grace_s": "0"})
    assert (gc.status_code, gc.json()["code"]) == (401, "internal_token_required")
    wrong = httpx.get(urls["trainer"] + "/runs", headers={TOKEN_HEADER: "x" * len(secret)})
    assert wrong.status_code == 401
    assert httpx.get(urls["observation-hub"] + "/events").status_code == 401

    for service in INTERNAL:
        assert httpx.get(urls[service] + "/healthz").status_code == 200
        assert httpx.get(urls[service] + "/readyz").status_code == 200
    trusted = httpx.get(urls["metadata-hub"] + "/artifacts", headers={TOKEN_HEADER: secret})
    assert trusted.status_code == 200, trusted.text
    # The gateway holds the secret: a user's request still reaches the catalog behind it.
    listed = httpx.get(platform.gateway + "/api/v1/artifacts", headers=platform.auth)
    assert listed.status_code == 200, listed.text


def test_every_service_listens_on_the_loopback_interface_only(kamld_up) -> None:
    platform = kamld_up()
    for service, pid in platform.pids().items():
        parent = psutil.Process(pid)
        listening = {
            connection.laddr.ip
            for process in (parent, *parent.children(recursive=True))
            for connection in process.net_connections(kind="inet")
            if connection.status == psutil.CONN_LISTEN
        }
        assert listening == {"127.0.0.1"}, (service, listening)


def test_a_killed_gateway_takes_its_workers_along_and_is_restarted_cleanly(kamld_up) -> None:
    platform = kamld_up()
    parent = platform.pids()["workbench-api"]
    children = psutil.Process(parent).children()
    assert len(_workers(children)) == 2  # kamld up runs the gateway with two workers

    os.kill(parent, signal.SIGKILL)
    wait_until(lambda: platform.pids()["workbench-api"] != parent, what="workbench-api restart")
    wait_until(
        lambda: not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in children),
        what="the killed gateway's workers to end",
    )
    wait_until(lambda: _ready(platform.gateway), what="the restarted gateway to be ready")
    output = (platform.home / "up.out").read_text()
    assert "workbench-api exited with code -9; restarting" in output
    assert "workbench-api exited with code 2" not in output  # no "port in use" exit
    assert "already in use" not in platform.log("workbench-api")
    replacement = psutil.Process(platform.pids()["workbench-api"])
    assert len(_workers(replacement.children())) == 2
    assert httpx.get(platform.gateway + "/api/v1/artifacts", headers=platform.auth).status_code == 200


def _workers(children: list[psutil.Process]) -> list[psutil.Process]:
    """uvicorn's worker processes among a parent's children (multiprocessing also runs a helper)."""
    return [child for child in children if "spawn_main" in " ".join(child.cmdline())]


def _ready(url: str) -> bool:
    try:
        return httpx.get(url + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
