"""Running the five services as local processes: what ``kamld up`` does under its display.

The :class:`Supervisor` starts each service with ``python -m kamld_<service>``, appends its
output to ``$KAMLD_HOME/logs/<service>.log``, waits for every ``/readyz`` to answer, restarts a
service that dies (with exponential backoff) and stops them all with SIGTERM, then SIGKILL for
any that outlive the grace period. It knows nothing of the terminal; callers pass callbacks.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
DEFAULT_PORT_BASE = 8080
SERVICES: tuple[str, ...] = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")
# Services whose outbox relays deliver events to observation-hub (the gateway has its URL anyway).
EVENT_PRODUCERS = frozenset({"metadata-hub", "storage-gateway", "trainer"})
GATEWAY = "workbench-api"
STATE_FILE = "services.json"
GROUP_EXIT_WAIT_S = 5.0
INTERNAL_TOKEN_FILE = "internal-token"
"""In the platform's home, owner-only: the secret the services present to each other (the same
file a service started on its own on that home reads, see ``kamld_common.internal_token``)."""


def env_prefix(service: str) -> str:
    """``metadata-hub`` -> ``KAMLD_METADATA_HUB_``, the prefix of that service's settings."""
    return "KAMLD_" + service.upper().replace("-", "_") + "_"


def module_of(service: str) -> str:
    return "kamld_" + service.replace("-", "_")


@dataclass(frozen=True)
class ServiceSpec:
    """One service to run: its name, where it listens and the environment it gets on top of ours."""

    name: str
    port: int
    env: Mapping[str, str] = field(default_factory=dict)
    host: str = HOST

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def command(self) -> list[str]:
        return [sys.executable, "-m", module_of(self.name)]


def plan(
    home: Path,
    *,
    port_base: int = DEFAULT_PORT_BASE,
    environ: Mapping[str, str] | None = None,
    bootstrap_admin_token: str | None = None,
) -> list[ServiceSpec]:
    """The five services on ``port_base``..``port_base+4``; ``KAMLD_<SERVICE>_PORT`` moves one of them.

    workbench-api and storage-gateway share a transfer key, fresh each run unless the user set one
    (a key set for one of them is given to the other), and workbench-api sends clients to
    storage-gateway's URL for chunk bytes.

    Every service gets the platform's internal secret: the one the user set for any of them, else the
    one in ``home/internal-token`` (created on first use), so the internal services answer only each
    other and the gateway.
    """
    environ = os.environ if environ is None else environ
    user_secret = next(
        (
            environ[env_prefix(n) + "INTERNAL_TOKEN"]
            for n in SERVICES
            if environ.get(env_prefix(n) + "INTERNAL_TOKEN")
        ),
        None,
    )
    internal_token = user_secret or internal_secret(home)
    ports: dict[str, int] = {}
    for index, name in enumerate(SERVICES):
        override = environ.get(env_prefix(name) + "PORT")
        ports[name] = int(override) if override else port_base + index
    urls = {name: f"http://{HOST}:{port}" for name, port in ports.items()}
    granting = (GATEWAY, "storage-gateway")
    user_keys = [environ.get(env_prefix(name) + "TRANSFER_KEY") for name in granting]
    transfer_key = next((key for key in user_keys if key), None) or secrets.token_urlsafe(32)
    specs = []
    for name in SERVICES:
        prefix = env_prefix(name)
        env = {
            "KAMLD_HOME": str(home),
            prefix + "PORT": str(ports[name]),
            prefix + "HOST": HOST,
            # glibc gives each thread that allocates an arena of its own, and freed chunk buffers
            # stay in them: two arenas cut storage-gateway's peak by a fifth at the same speed.
            "MALLOC_ARENA_MAX": environ.get("MALLOC_ARENA_MAX", "2"),
        }
        env[prefix + "INTERNAL_TOKEN"] = internal_token
        if name == GATEWAY:
            env[prefix + "S3_PORT"] = environ.get(prefix + "S3_PORT") or str(port_base + len(SERVICES))
            for upstream in SERVICES[1:]:
                env[prefix + upstream.upper().replace("-", "_") + "_URL"] = urls[upstream]
            if bootstrap_admin_token:
                env[prefix + "BOOTSTRAP_ADMIN_TOKEN"] = bootstrap_admin_token
            public_url = environ.get(prefix + "STORAGE_PUBLIC_URL") or urls["storage-gateway"]
            env[prefix + "STORAGE_PUBLIC_URL"] = public_url
        if name == "storage-gateway":
            env[prefix + "METADATA_HUB_URL"] = urls["metadata-hub"]
        if name == "metadata-hub":
            env[prefix + "STORAGE_GATEWAY_URL"] = urls["storage-gateway"]
        if name in EVENT_PRODUCERS:
            env[prefix + "OBSERVATION_HUB_URL"] = urls["observation-hub"]
        if name == "observation-hub":
            env[prefix + "SERVICE_URLS"] = json.dumps(urls)
        if name == "trainer":
            # runs pull their inputs and push their models through the public API
            env[prefix + "GATEWAY_URL"] = urls[GATEWAY]
            if bootstrap_admin_token:
                env[prefix + "GATEWAY_TOKEN"] = bootstrap_admin_token
        if name in granting:
            env[prefix + "TRANSFER_KEY"] = environ.get(prefix + "TRANSFER_KEY") or transfer_key
        specs.append(ServiceSpec(name=name, port=ports[name], env=env))
    return specs


def internal_secret(home: Path) -> str:
    """The secret in ``home/internal-token``, created (mode 0600, complete before it appears) if absent."""
    path = home / INTERNAL_TOKEN_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


class PortTaken(Exception):
    """A port a service needs is already in use."""

    def __init__(self, service: str, host: str, port: int) -> None:
        super().__init__(f"port {port} on {host} is already in use (needed by {service})")
        self.service, self.host, self.port = service, host, port


class ServiceFailed(Exception):
    """A service did not become ready; carries the end of its log so the cause is visible."""

    def __init__(self, service: str, reason: str, log_tail: str) -> None:
        super().__init__(f"{service} {reason}")
        self.service, self.reason, self.log_tail = service, reason, log_tail


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def check_ports(specs: Iterable[ServiceSpec]) -> None:
    """Raise :class:`PortTaken` for the first port that cannot be bound, before anything starts."""
    for spec in specs:
        if not port_is_free(spec.host, spec.port):
            raise PortTaken(spec.name, spec.host, spec.port)


def tail(path: Path, lines: int = 20) -> str:
    """The last ``lines`` lines of a log file (empty when there is none yet)."""
    try:
        with path.open("r", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines))
    except FileNotFoundError:
        return ""


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor dies, so no service outlives a killed ``kamld up``."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class ServiceProcess:
    """One running (or restarting) service process."""

    def __init__(self, spec: ServiceSpec, log_path: Path) -> None:
        self.spec = spec
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self.started_at = 0.0
        self.restart_at: float | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.spec.command,
                env={**os.environ, **self.spec.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.started_at = time.monotonic()
        self.restart_at = None

    def exit_code(self) -> int | None:
        """The exit status once the process has ended, else ``None``.

        A service is its whole process group (it runs in a session of its own): when its main process
        has ended, whatever it left behind (uvicorn's workers after a ``kill -9`` of their parent, still
        holding the port) is killed before the main process is reaped, while its pid, the group's id,
        cannot have been reused, and the group is waited out so a restart finds the port free.
        """
        if self.process is None:
            return None
        if self.process.returncode is not None:
            return self.process.returncode
        with contextlib.suppress(ChildProcessError):
            flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
            if os.waitid(os.P_PID, self.process.pid, flags) is None:
                return None
        self.signal_group(signal.SIGKILL)
        code = self.process.wait()
        self._wait_group_gone()
        return code

    def signal_group(self, sig: signal.Signals) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)

    def _wait_group_gone(self, timeout_s: float = GROUP_EXIT_WAIT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while self.process is not None and time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.05)


class Supervisor:
    """Start, watch, restart and stop the platform's service processes."""

    def __init__(
        self,
        specs: Iterable[ServiceSpec],
        home: Path,
        *,
        notify: Callable[[str], None] = lambda message: None,
        max_backoff_s: float = 30.0,
        stable_after_s: float = 60.0,
    ) -> None:
        self.home = home
        self.log_dir = home / "logs"
        self.services = [ServiceProcess(spec, self.log_dir / f"{spec.name}.log") for spec in specs]
        self.notify = notify
        self.max_backoff_s = max_backoff_s
        self.stable_after_s = stable_after_s

    def start(self) -> None:
        """Check every port, then start every service and record where they listen."""
        check_ports(s.spec for s in self.services)
        for service in self.services:
            service.start()
        self.write_state()

    def write_state(self) -> Path:
        """``$KAMLD_HOME/services.json``: each service's URL and pid, for ``kamld status``."""
        path = self.home / STATE_FILE
        state = {s.spec.name: {"url": s.spec.url, "pid": s.pid} for s in self.services}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        tmp.replace(path)
        return path

    def wait_ready(
        self, timeout_s: float = 60.0, on_ready: Callable[[ServiceSpec], None] = lambda spec: None
    ) -> None:
        """Return once every ``/readyz`` answers 200; raise :class:`ServiceFailed` naming the laggard."""
        pending = {s.spec.name: s for s in self.services}
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2.0) as client:
            while pending:
                for name, service in list(pending.items()):
                    code = service.exit_code()
                    if code is not None:
                        raise ServiceFailed(
                            name, f"exited with code {code} while starting", tail(service.log_path)
                        )
                    try:
                        ready = client.get(service.spec.url + "/readyz").status_code == 200
                    except httpx.HTTPError:
                        ready = False
                    if ready:
                        del pending[name]
                        on_ready(service.spec)
                if not pending:
                    return
                if time.monotonic() > deadline:
                    name, service = next(iter(pending.items()))
                    others = f" (also not ready: {', '.join(list(pending)[1:])})" if len(pending) > 1 else ""
                    raise ServiceFailed(
                        name,
                        f"was not ready after {timeout_s:g}s at {service.spec.url}/readyz{others}",
                        tail(service.log_path),
                    )
                time.sleep(0.2)

    def backoff(self, restarts: int) -> float:
        return min(self.max_backoff_s, 2.0**restarts)

    def watch_once(self) -> None:
        """Restart services that died, each after its backoff; call this in the supervision loop."""
        now = time.monotonic()
        for service in self.services:
            if service.restart_at is not None:
                if now >= service.restart_at:
                    service.start()
                    self.write_state()
                    self.notify(
                        f"{service.spec.name} restarted (pid {service.pid}, restart {service.restarts})"
                    )
                continue
            code = service.exit_code()
            if code is None:
                continue
            if now - service.started_at > self.stable_after_s:
                service.restarts = 0
            delay = self.backoff(service.restarts)
            service.restarts += 1
            service.restart_at = now + delay
            self.notify(
                f"{service.spec.name} exited with code {code}; restarting in {delay:g}s "
                f"(see {service.log_path})"
            )

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM every service, wait up to ``grace_s``, then SIGKILL the process groups still running."""
        running = [s for s in self.services if s.process is not None and s.exit_code() is None]
        for service in running:
            service.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while any(s.exit_code() is None for s in running) and time.monotonic() < deadline:
            time.sleep(0.05)
        for service in running:
            if service.exit_code() is None:
                service.signal_group(signal.SIGKILL)
                while service.exit_code() is None:
                    time.sleep(0.05)
        for service in self.services:
            service.restart_at = None
