"""The image's command and health check find the service from ``KAMLD_SERVICE`` alone."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kamld_common.container import health_url, service_package
from kamld_common.settings import ServiceSettings


class HealthzOnly(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's spelling)
        self.send_response(200 if self.path == "/healthz" else 404)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads exit codes, not access logs."""


@pytest.fixture
def healthz_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HealthzOnly)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def run_container(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamld_common.container", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_service_package_follows_the_workspace_naming() -> None:
    assert service_package("metadata-hub") == "kamld_metadata_hub"
    assert service_package("trainer") == "kamld_trainer"


def test_health_url_reaches_a_wildcard_listener_on_loopback() -> None:
    assert health_url(ServiceSettings(host="0.0.0.0", port=8081)) == "http://127.0.0.1:8081/healthz"
    assert health_url(ServiceSettings(host="::", port=8081)) == "http://127.0.0.1:8081/healthz"
    assert health_url(ServiceSettings(host="::1", port=8081)) == "http://[::1]:8081/healthz"


def test_healthcheck_asks_the_port_the_service_settings_resolve(healthz_port: int, tmp_path: Path) -> None:
    base = {"KAMLD_HOME": str(tmp_path), "KAMLD_SERVICE": "trainer", "KAMLD_LISTEN_HOST": "0.0.0.0"}
    assert run_container("healthcheck", {**base, "KAMLD_LISTEN_PORT": str(healthz_port)}).returncode == 0
    specific = {**base, "KAMLD_LISTEN_PORT": "1", "KAMLD_TRAINER_PORT": str(healthz_port)}
    assert run_container("healthcheck", specific).returncode == 0
    with ThreadingHTTPServer(("127.0.0.1", 0), HealthzOnly) as closed:
        unused = closed.server_address[1]
    assert run_container("healthcheck", {**base, "KAMLD_LISTEN_PORT": str(unused)}).returncode != 0


def test_without_a_service_name_it_says_what_is_missing(tmp_path: Path) -> None:
    result = run_container("serve", {"KAMLD_HOME": str(tmp_path)})
    assert result.returncode != 0
    assert "KAMLD_SERVICE is not set" in result.stderr
    assert "usage" in run_container("start", {"KAMLD_HOME": str(tmp_path)}).stderr
