"""Platform commands: ``kamld up`` and ``kamld status``."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import threading
import tomllib
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import httpx
import typer

from kamld import config
from kamld.cli import app
from kamld.cli.exits import ExitCode
from kamld.cli.output import err, literal, out
from kamld.instance import AlreadyRunning, claim_home
from kamld.supervisor import (
    DEFAULT_PORT_BASE,
    GATEWAY,
    SERVICES,
    STATE_FILE,
    PortTaken,
    ServiceFailed,
    ServiceSpec,
    Supervisor,
    module_of,
    plan,
)


class _StopRequested(Exception):
    """SIGTERM arrived: leave whatever we are doing and stop the services."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _StopRequested(signal.Signals(signum).name)


def _stored_token() -> str | None:
    """The admin token an earlier ``kamld up`` wrote, so a restart keeps the CLI logged in."""
    path = config.config_path()
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        token = tomllib.load(fh).get("token")
    return str(token) if token else None


def _missing_services() -> list[str]:
    """Services this environment cannot run: an SDK installed on its own (pip) has none of them."""
    return [service for service in SERVICES if importlib.util.find_spec(module_of(service)) is None]


@app.command()
def up(
    home: Annotated[
        Path | None, typer.Option("--home", help="Data directory (default $KAMLD_HOME or ~/.kamld)")
    ] = None,
    port_base: Annotated[
        int,
        typer.Option(
            "--port-base",
            envvar="KAMLD_PORT_BASE",
            help="First of five consecutive ports; KAMLD_<SERVICE>_PORT moves a single service",
        ),
    ] = DEFAULT_PORT_BASE,
    ready_timeout: Annotated[
        float, typer.Option("--ready-timeout", help="Seconds to wait for every service to be ready")
    ] = 90.0,
) -> None:
    """Start all five services locally with the embedded defaults, until Ctrl-C."""
    missing = _missing_services()
    if missing:
        err().print(
            f"kamld up: this environment has the kamld client but not the platform's services "
            f"({', '.join(map(module_of, missing))}); run `make up` in a KAML-D checkout, or point "
            "KAMLD_URL at a running platform",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(int(ExitCode.ERROR))
    if home is not None:
        os.environ["KAMLD_HOME"] = str(home.expanduser().resolve())
    root = config.kamld_home().resolve()
    root.mkdir(parents=True, exist_ok=True)
    token = _stored_token() or secrets.token_urlsafe(32)
    specs = plan(root, port_base=port_base, bootstrap_admin_token=token)
    gateway = next(spec for spec in specs if spec.name == GATEWAY)
    try:
        with claim_home(root, gateway.url):
            _run(root, specs, gateway, token, ready_timeout)
    except AlreadyRunning as exc:
        err().print(
            f"kamld up: {exc}; stop it first, or give this one another --home",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(int(ExitCode.CONFLICT)) from None


def _run(
    root: Path, specs: list[ServiceSpec], gateway: ServiceSpec, token: str, ready_timeout: float
) -> None:
    """Start the services, write the CLI config once all are ready, and watch them until stopped."""
    supervisor = Supervisor(specs, root, notify=lambda message: out().print(f"[yellow]{literal(message)}[/]"))
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        try:
            supervisor.start()
        except PortTaken as exc:
            err().print(
                f"kamld up: {exc}; choose other ports with --port-base or "
                f"KAMLD_{exc.service.upper().replace('-', '_')}_PORT",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(2) from None
        _wait_ready(supervisor, ready_timeout)
        config_file = config.save_config(gateway.url, token)
        _print_services(supervisor, config_file)
        stop = threading.Event()
        while not stop.wait(0.5):
            supervisor.watch_once()
    except ServiceFailed as exc:
        err().print(f"kamld up: {exc}", highlight=False, markup=False, soft_wrap=True)
        if exc.log_tail:
            log = root / "logs" / f"{exc.service}.log"
            err().print(f"--- last lines of {log} ---", highlight=False, markup=False)
            err().print(exc.log_tail.rstrip(), highlight=False, markup=False)
        raise typer.Exit(1) from None
    except (KeyboardInterrupt, _StopRequested):
        out().print("stopping services…")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)
    out().print("all services stopped")


def _wait_ready(supervisor: Supervisor, timeout_s: float) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=out(), transient=True) as progress:
        tasks = {
            s.spec.name: progress.add_task(f"starting {s.spec.name}", total=1) for s in supervisor.services
        }

        def ready(spec: Any) -> None:
            progress.update(tasks[spec.name], completed=1, description=f"[green]{spec.name} ready")

        supervisor.wait_ready(timeout_s, on_ready=ready)


def _print_services(supervisor: Supervisor, config_file: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="KAML-D is running")
    table.add_column("service")
    table.add_column("url")
    table.add_column("pid", justify="right")
    table.add_column("log", overflow="fold")
    for service in supervisor.services:
        table.add_row(
            *(Text(cell) for cell in (service.spec.name, service.spec.url, str(service.pid))),
            Text(str(service.log_path)),
        )
    out().print(table)
    gateway = next((s for s in supervisor.services if s.spec.name == "workbench-api"), None)
    if gateway is not None and gateway.spec.env.get("KAMLD_WORKBENCH_API_S3_PORT"):
        s3_url = f"http://{gateway.spec.host}:{gateway.spec.env['KAMLD_WORKBENCH_API_S3_PORT']}"
        out().print(
            f"S3 endpoint (read-only; keys from kamld token create NAME --s3): {s3_url}", markup=False
        )
    out().print(f"CLI config (URL and admin token): {config_file}", markup=False)
    out().print("Press Ctrl-C to stop.")


def _probe(client: httpx.Client, name: str, url: str) -> dict[str, Any]:
    """One service's state from its own ``/readyz`` (used when the gateway cannot answer)."""
    entry: dict[str, Any] = {
        "name": name,
        "url": url,
        "status": "down",
        "version": None,
        "checks": {},
        "detail": None,
    }
    try:
        response = client.get(url + "/readyz")
    except httpx.HTTPError as exc:
        entry["detail"] = f"no answer: {type(exc).__name__}"
        return entry
    body = _json_object(response) or {}
    entry["checks"] = body.get("checks") or {}
    if response.status_code == 200:
        entry.update(status="ok", version=body.get("version"))
    else:
        entry.update(status="not_ready", detail=body.get("detail") or f"HTTP {response.status_code}")
    return entry


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The answer's JSON object, or None where the answer is not one (a proxy's page, a bare text)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _service_urls(gateway_url: str) -> dict[str, str]:
    """Where each service listens: what ``kamld up`` recorded, else the default ports."""
    urls = {name: f"http://127.0.0.1:{DEFAULT_PORT_BASE + i}" for i, name in enumerate(SERVICES)}
    state = config.kamld_home() / STATE_FILE
    if state.is_file():
        try:
            urls.update({name: entry["url"] for name, entry in json.loads(state.read_text()).items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    urls[GATEWAY] = gateway_url
    return urls


def _collect_status(timeout_s: float) -> dict[str, Any]:
    cfg = config.load_config()
    source = {"url": cfg.url, "file": str(cfg.file) if cfg.file else None, "found": cfg.found}
    headers = {"Authorization": f"Bearer {cfg.token}"} if cfg.token else {}
    with httpx.Client(timeout=timeout_s) as client:
        try:
            response = client.get(cfg.url + "/api/v1/status", headers=headers)
            report = _json_object(response) if response.status_code == 200 else None
            if report is not None:
                report["source"] = "gateway"
                report["config"] = source
                return report
            reason = f"{cfg.url}/api/v1/status answered HTTP {response.status_code}"
            if response.status_code == 200:
                reason += " with no JSON object"
        except httpx.HTTPError as exc:
            reason = f"{cfg.url} did not answer ({type(exc).__name__})"
        services = [_probe(client, name, url) for name, url in _service_urls(cfg.url).items()]
    if all(s["status"] == "ok" for s in services):
        overall = "ok"
    elif not cfg.found:
        overall = "no_config"
        reason = f"{config.missing_config_hint()}; {reason}"
    else:
        overall = "down" if all(s["status"] == "down" for s in services) else "degraded"
    return {"status": overall, "services": services, "source": "direct", "note": reason, "config": source}


# The key figures observation-hub reports, as the status table shows them.
FIGURE_COLUMNS = (
    ("requests_per_s", ".1f"),
    ("latency_p50_ms", ".1f"),
    ("latency_p99_ms", ".1f"),
    ("error_ratio", ".1%"),
    ("outbox_backlog", ".0f"),
)


def _figure(value: Any, spec: str) -> str:
    return "-" if not isinstance(value, int | float) else format(value, spec)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each answer")] = 10.0,
) -> None:
    """Health and version of every service; the exit code is 1 when any is not ready.

    The report says which config it used, and that none was found when neither KAMLD_URL nor
    the config file names a platform.
    """
    report = _collect_status(timeout)
    healthy = report["status"] == "ok"
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        if report.get("note"):
            err().print(
                f"[yellow]{literal(report['note'])}; asked each service directly[/]",
                highlight=False,
                soft_wrap=True,
            )
        from rich.table import Table
        from rich.text import Text

        table = Table(title=Text(f"KAML-D: {report['status']}"))
        for column in (
            "service",
            "status",
            "version",
            "req/s",
            "p50 ms",
            "p99 ms",
            "5xx",
            "backlog",
            "detail",
        ):
            table.add_column(column)
        colours = {"ok": "green", "not_ready": "yellow", "down": "red"}
        for entry in report["services"]:
            state = entry["status"]
            figures = entry.get("figures") or {}
            table.add_row(
                Text(entry["name"]),
                Text(state, style=colours.get(state, "red")),
                Text(entry.get("version") or "-"),
                *(Text(_figure(figures.get(key), spec)) for key, spec in FIGURE_COLUMNS),
                Text(entry.get("detail") or ""),
            )
        out().print(table)
    raise typer.Exit(0 if healthy else 1)
