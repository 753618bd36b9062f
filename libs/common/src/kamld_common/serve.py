"""Running one service process: ``python -m kamld_<service>``."""

from __future__ import annotations

import asyncio
import atexit
import errno
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from kamld_common.connections import ConnectionLimits, GuardedHttpToolsProtocol
from kamld_common.internal_token import ensure_internal_token
from kamld_common.settings import ServiceSettings


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


async def _start_and_stop(app: FastAPI) -> None:
    async with app.router.lifespan_context(app):
        pass


def serve(
    factory: Callable[[], FastAPI],
    settings: ServiceSettings,
    import_path: str,
    extra_ports: Sequence[int] = (),
) -> None:
    """Serve ``factory()`` on the configured host and port; a taken port is a one-line error.

    With ``settings.workers`` above one, uvicorn runs that many processes of ``import_path`` (a
    ``module:factory`` string) on the shared socket. The app's start-up (migrations, bootstrap
    records) first runs once in this parent process, so workers starting together find it done
    instead of racing each other through it.

    ``extra_ports`` are served too, by the same processes and app (which can tell them apart by
    the ``server`` of a request's scope).

    Every process serves with an internal token (see :mod:`kamld_common.internal_token`).
    Every connection is served by :class:`~kamld_common.connections.GuardedHttpToolsProtocol`, held
    to the settings' header size, header and body timeouts before the app sees a request.
    """
    for port in (settings.port, *extra_ports):
        if not port_is_free(settings.host, port):
            print(
                f"kamld {settings.service_name}: port {port} on {settings.host} is already in use; "
                f"set KAMLD_{settings.service_name.upper().replace('-', '_')}_PORT (or the setting "
                "naming that port) to another port",
                file=sys.stderr,
            )
            raise SystemExit(2)
    ensure_internal_token(settings)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 10,
        # A worker answers the parent's health pings only once it has imported the app's modules:
        # on a busy machine that takes longer than uvicorn's 5 s, and the parent kills it as hung.
        "timeout_worker_healthcheck": 30,
        "timeout_keep_alive": settings.keep_alive_timeout_s,
        "proxy_headers": True,
        "http": GuardedHttpToolsProtocol,
    }
    limits = connection_limits(settings)
    if settings.workers > 1:
        asyncio.run(_start_and_stop(factory()))
        _share_metrics_between_workers()
        config = LimitedConfig(
            import_path, connection_limits=limits, factory=True, workers=settings.workers, **options
        )
        Multiprocess(config, sockets=[config.bind_socket(), *_bind(config, extra_ports)]).run()
    else:
        config = LimitedConfig(factory(), connection_limits=limits, **options)
        server = uvicorn.Server(config)
        server.run(sockets=[config.bind_socket(), *_bind(config, extra_ports)] if extra_ports else None)
        if not server.started:
            raise SystemExit(3)


def _bind(config: uvicorn.Config, ports: Sequence[int]) -> list[socket.socket]:
    """Listening sockets on ``config``'s host for each of ``ports``."""
    sockets, main = [], config.port
    try:
        for port in ports:
            config.port = port
            sockets.append(config.bind_socket())
    finally:
        config.port = main
    return sockets


class LimitedConfig(uvicorn.Config):
    """uvicorn's configuration with the connection limits, pickled with it into each worker, where
    :class:`GuardedHttpToolsProtocol` reads them."""

    def __init__(self, app: Any, *, connection_limits: ConnectionLimits, **options: Any) -> None:
        super().__init__(app, **options)
        self.connection_limits = connection_limits


def connection_limits(settings: ServiceSettings) -> ConnectionLimits:
    return ConnectionLimits(
        max_header_bytes=settings.max_header_bytes,
        header_timeout_s=settings.header_timeout_s,
        body_idle_timeout_s=settings.body_idle_timeout_s,
    )


def _share_metrics_between_workers() -> None:
    """Workers record Prometheus metrics in files of one fresh directory, so ``/metrics`` on any of
    them reports the totals of all (prometheus_client's multiprocess mode, which each worker enters
    because the variable is set before it imports the client). The directory goes when this parent
    exits."""
    directory = tempfile.mkdtemp(prefix="kamld-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
