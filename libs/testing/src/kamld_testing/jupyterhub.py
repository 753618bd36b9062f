"""A real JupyterHub for tests: ``SimpleLocalProcessSpawner``, ``DummyAuthenticator`` with a
password, ``configurable-http-proxy`` (npm, from ``frontend/node_modules``), all on free
127.0.0.1 ports, with a service token that may start, stop and reach every user's server.

The hub runs from this environment (``python -m jupyterhub``) with a generated
``jupyterhub_config.py``; ``extra_config`` is appended to it verbatim (e.g. the KAML-D hook).

    with running_jupyterhub(tmp_path, env, users=["ada"], extra_config=hook) as hub:
        hub.start_server("ada")
        httpx.get(hub.user_url("ada", "api/status"), headers=hub.auth)
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kamld_testing.processes import free_ports, stop_processes

READY_TIMEOUT_S = 90.0
SPAWN_TIMEOUT_S = 120.0
REPOSITORY = Path(__file__).resolve().parents[4]
PROXY_BINARY = "configurable-http-proxy"


def find_proxy() -> str | None:
    """``configurable-http-proxy`` from the committed npm workspace (``frontend/``), else PATH."""
    local = REPOSITORY / "frontend" / "node_modules" / ".bin" / PROXY_BINARY
    if local.exists():
        return str(local)
    return shutil.which(PROXY_BINARY)


def jupyterhub_missing() -> str | None:
    """Why a JupyterHub cannot be started here (a reason naming what is absent), or None."""
    if importlib.util.find_spec("jupyterhub") is None:
        return "the jupyterhub package is not installed"
    if find_proxy() is None:
        return f"{PROXY_BINARY} (npm) is not installed: run make install"
    if shutil.which("node") is None:
        return "node is not installed (configurable-http-proxy needs it)"
    return None


class SpawnFailed(RuntimeError):
    """A user's server did not start; the message is JupyterHub's."""


@dataclass
class JupyterHub:
    """A running hub: its public (proxy) address, its service token, its log."""

    home: Path
    url: str
    """``http://127.0.0.1:PORT/`` (the proxy)"""
    token: str
    """A service token with admin:users, admin:servers and access:servers."""
    password: str
    """Every user's password (DummyAuthenticator)."""
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call to the hub's REST API (``hub/api/PATH``) with the service token."""
        kwargs.setdefault("timeout", 30.0)
        return httpx.request(method, f"{self.url}hub/api/{path.lstrip('/')}", headers=self.auth, **kwargs)

    def user_url(self, user: str, path: str = "") -> str:
        """``PATH`` on ``user``'s single-user server, through the proxy."""
        return f"{self.url}user/{user}/{path.lstrip('/')}"

    def log_tail(self, chars: int = 6000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def start_server(self, user: str, timeout_s: float = SPAWN_TIMEOUT_S) -> None:
        """Start ``user``'s server and return once the hub says it is ready; :class:`SpawnFailed`
        with the hub's message if the spawn fails."""
        answer = self.api("POST", f"users/{user}/server")
        if answer.status_code not in (201, 202):
            # A spawn that fails at once is a 500 here; what went wrong is in the progress events.
            raise SpawnFailed(self.spawn_failure(user) or f"{answer.status_code} {_message(answer)}")
        deadline = time.monotonic() + timeout_s
        while True:
            model = self.api("GET", f"users/{user}").json()
            server = model.get("servers", {}).get("", {})
            if server.get("ready"):
                return
            if not server.get("pending") and not server:
                raise SpawnFailed(self.spawn_failure(user) or "the server stopped while starting")
            if time.monotonic() > deadline:
                raise SpawnFailed(f"not ready within {timeout_s:.0f} s:\n{self.log_tail()}")
            time.sleep(0.3)

    def spawn_failure(self, user: str) -> str | None:
        """The message of the last failed spawn of ``user``, from the hub's progress events."""
        with httpx.stream(
            "GET", f"{self.url}hub/api/users/{user}/server/progress", headers=self.auth, timeout=30.0
        ) as events:
            for line in events.iter_lines():
                if line.startswith("data:"):
                    event = json.loads(line[len("data:") :])
                    if event.get("failed"):
                        return str(event.get("message"))
        return None

    def stop_server(self, user: str, timeout_s: float = SPAWN_TIMEOUT_S) -> None:
        """Stop ``user``'s server; returns once the hub has no server for the user."""
        answer = self.api("DELETE", f"users/{user}/server")
        if answer.status_code not in (202, 204):
            raise RuntimeError(f"stopping {user}'s server: {answer.status_code} {answer.text}")
        deadline = time.monotonic() + timeout_s
        while self.api("GET", f"users/{user}").json().get("servers"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{user}'s server did not stop within {timeout_s:.0f} s")
            time.sleep(0.3)


def _message(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("message", answer.text))
    except ValueError:
        return answer.text


def hub_config(
    home: Path,
    *,
    port: int,
    hub_port: int,
    proxy_api_port: int,
    proxy: str,
    token: str,
    password: str,
    users: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    extra_config: str,
) -> str:
    """The text of ``jupyterhub_config.py`` for :func:`launch_jupyterhub`."""
    private = home / "jupyter"
    singleuser_env = {
        "JUPYTER_CONFIG_DIR": str(private / "config"),
        "JUPYTER_DATA_DIR": str(private / "data"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    settings = {
        "port": port,
        "hub_port": hub_port,
        "proxy_api": f"http://127.0.0.1:{proxy_api_port}",
        "proxy": proxy,
        "token": token,
        "password": password,
        "users": list(users),
        "groups": {name: {"users": list(members)} for name, members in groups.items()},
        "home": str(home),
        "python": sys.executable,
        "env": singleuser_env,
    }
    base = f"""\
        import json
        settings = json.loads({json.dumps(json.dumps(settings))})
        c = get_config()  # noqa: F821
        c.JupyterHub.ip = "127.0.0.1"
        c.JupyterHub.port = settings["port"]
        c.JupyterHub.hub_ip = "127.0.0.1"
        c.JupyterHub.hub_port = settings["hub_port"]
        c.JupyterHub.db_url = "sqlite:///" + settings["home"] + "/jupyterhub.sqlite"
        c.JupyterHub.cookie_secret_file = settings["home"] + "/cookie_secret"
        c.JupyterHub.pid_file = settings["home"] + "/jupyterhub.pid"
        c.JupyterHub.cleanup_servers = True
        c.ConfigurableHTTPProxy.api_url = settings["proxy_api"]
        c.ConfigurableHTTPProxy.command = [settings["proxy"]]
        c.ConfigurableHTTPProxy.pid_file = settings["home"] + "/proxy.pid"
        c.ConfigurableHTTPProxy.debug = False
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = settings["password"]
        c.Authenticator.allowed_users = set(settings["users"])
        c.JupyterHub.load_groups = settings["groups"]
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = settings["home"] + "/users/{{username}}"
        c.Spawner.cmd = [settings["python"], "-m", "jupyterhub.singleuser"]
        c.Spawner.args = [
            "--allow-root",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
        ]
        c.Spawner.environment = settings["env"]
        c.Spawner.start_timeout = 120
        c.Spawner.http_timeout = 120
        c.JupyterHub.services = [{{"name": "kamld-tests", "api_token": settings["token"]}}]
        c.JupyterHub.load_roles = [
            {{
                "name": "kamld-tests",
                "scopes": ["admin:users", "admin:servers", "access:servers", "read:groups"],
                "services": ["kamld-tests"],
            }}
        ]
        """
    return textwrap.dedent(base) + "\n" + textwrap.dedent(extra_config) + "\n"


def launch_jupyterhub(
    home: Path,
    env: Mapping[str, str],
    *,
    users: Sequence[str],
    groups: Mapping[str, Sequence[str]] | None = None,
    extra_config: str = "",
) -> JupyterHub:
    """Start JupyterHub (and its proxy) on free ports; returns once its API answers."""
    proxy = find_proxy()
    if proxy is None:
        raise RuntimeError(f"{PROXY_BINARY} is not installed")
    home.mkdir(parents=True, exist_ok=True)
    port, hub_port, proxy_api_port = free_ports(3)
    token, password = secrets.token_hex(24), secrets.token_hex(12)
    config = home / "jupyterhub_config.py"
    config.write_text(
        hub_config(
            home,
            port=port,
            hub_port=hub_port,
            proxy_api_port=proxy_api_port,
            proxy=proxy,
            token=token,
            password=password,
            users=users,
            groups=groups or {},
            extra_config=extra_config,
        )
    )
    node_bin = str(Path(proxy).parent)
    environment = {
        **env,
        "PATH": node_bin + ":" + env.get("PATH", ""),
        "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(24),
    }
    log_path = home / "jupyterhub.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=home,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    hub = JupyterHub(home, f"http://127.0.0.1:{port}/", token, password, process, log_path)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {process.returncode}:\n{hub.log_tail()}")
        try:
            if hub.api("GET", "", timeout=2.0).status_code == 200:
                return hub
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop_processes(process)
            raise RuntimeError(f"jupyterhub did not answer within {READY_TIMEOUT_S:.0f} s:\n{hub.log_tail()}")
        time.sleep(0.3)


@contextmanager
def running_jupyterhub(
    home: Path,
    env: Mapping[str, str],
    *,
    users: Sequence[str],
    groups: Mapping[str, Sequence[str]] | None = None,
    extra_config: str = "",
) -> Iterator[JupyterHub]:
    """:func:`launch_jupyterhub` for the ``with`` block; the hub (which stops its users' servers
    and its proxy) is stopped after it."""
    hub = launch_jupyterhub(home, env, users=users, groups=groups, extra_config=extra_config)
    try:
        yield hub
    finally:
        stop_processes(hub.process, timeout_s=30.0)
