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
from collections.abc import Callable
from typing import Any

import uvicorn
from fastapi import FastAPI

from kamld_common.settings import ServiceSettings

KEEP_ALIVE_S = 75
"""Idle keep-alive connections stay open this long, beyond the clients' pool timeouts, so a client
never sends a request on a connection the server is closing at that moment."""


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


def serve(factory: Callable[[], FastAPI], settings: ServiceSettings, import_path: str) -> None:
    """Serve ``factory()`` on the configured host and port; a taken port is a one-line error.

    With ``settings.workers`` above one, uvicorn runs that many processes of ``import_path`` (a
    ``module:factory`` string) on the shared socket. The app's start-up (migrations, bootstrap
    records) first runs once in this parent process, so workers starting together find it done
    instead of racing each other through it.
    """
    if not port_is_free(settings.host, settings.port):
        print(
            f"kamld {settings.service_name}: port {settings.port} on {settings.host} is already in use; "
            f"set KAMLD_{settings.service_name.upper().replace('-', '_')}_PORT to another port",
            file=sys.stderr,
        )
        raise SystemExit(2)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 10,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "proxy_headers": True,
    }
    if settings.workers > 1:
        asyncio.run(_start_and_stop(factory()))
        _share_metrics_between_workers()
        uvicorn.run(import_path, factory=True, workers=settings.workers, **options)
    else:
        uvicorn.run(factory(), **options)


def _share_metrics_between_workers() -> None:
    """Workers record Prometheus metrics in files of one fresh directory, so ``/metrics`` on any of
    them reports the totals of all (prometheus_client's multiprocess mode, which each worker enters
    because the variable is set before it imports the client). The directory goes when this parent
    exits."""
    directory = tempfile.mkdtemp(prefix="kamld-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
