"""Running one service process: ``python -m kamld_<service>``."""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable

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


def serve(factory: Callable[[], FastAPI], settings: ServiceSettings) -> None:
    """Serve ``factory()`` on the configured host and port; a taken port is a one-line error."""
    if not port_is_free(settings.host, settings.port):
        print(
            f"kamld {settings.service_name}: port {settings.port} on {settings.host} is already in use; "
            f"set KAMLD_{settings.service_name.upper().replace('-', '_')}_PORT to another port",
            file=sys.stderr,
        )
        raise SystemExit(2)
    uvicorn.run(
        factory(),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=KEEP_ALIVE_S,
        proxy_headers=True,
    )
