"""A real JupyterLab server for tests: token auth, a temporary root, a free port, a base URL.

The server is ``python -m jupyterlab`` of this environment, so it loads the installed
``jupyterlab_kamld`` server extension and labextension as a user's would. Its Jupyter config,
data and runtime folders are private to the test, and it never checks for updates or news.

    with running_jupyter(tmp_path, env) as lab:
        httpx.get(lab.url("api/status"), headers=lab.auth)
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kamld_testing.processes import free_ports, stop_processes

READY_TIMEOUT_S = 90.0
BASE_URL = "/lab-base/"
"""Not ``/``: the extension must honour Jupyter's base URL."""


@dataclass
class JupyterServer:
    """A running ``jupyter lab``: its root folder, base address and token."""

    root: Path
    base: str
    """``http://127.0.0.1:PORT/lab-base/``"""
    token: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def launch_jupyter(home: Path, env: Mapping[str, str]) -> JupyterServer:
    """Start JupyterLab on a free port with ``home/root`` as its root; returns once it answers."""
    root, private = home / "root", home / "jupyter"
    root.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(24)
    port = free_ports(1)[0]
    environment = {
        **env,
        "JUPYTER_CONFIG_DIR": str(private / "config"),
        "JUPYTER_DATA_DIR": str(private / "data"),
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    # No "get notified about Jupyter news?" prompt over the page (and never a request for news).
    labconfig = private / "config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    log_path = home / "jupyter.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                "--LabApp.extension_manager=readonly",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--ServerApp.base_url={BASE_URL}",
                f"--ServerApp.root_dir={root}",
                f"--IdentityProvider.token={token}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.news_url=None",
            ],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = JupyterServer(root, f"http://127.0.0.1:{port}{BASE_URL}", token, process, log_path)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.url("api/status"), headers=server.auth, timeout=2.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_processes(process)
            raise RuntimeError(
                f"jupyter lab did not answer within {READY_TIMEOUT_S:.0f} s:\n{server.log_tail()}"
            )
        time.sleep(0.2)


@contextmanager
def running_jupyter(home: Path, env: Mapping[str, str]) -> Iterator[JupyterServer]:
    """:func:`launch_jupyter` for the ``with`` block, stopped after it."""
    server = launch_jupyter(home, env)
    try:
        yield server
    finally:
        stop_processes(server.process)
