"""One ``kamld up`` per home: a lock file the running instance holds, naming its gateway URL.

The lock is an ``flock`` on ``$KAMLD_HOME/up.lock``: the kernel drops it when the process ends,
however it ends, so a file left by a killed instance is simply taken over by the next one.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOCK_FILE = "up.lock"


class AlreadyRunning(Exception):
    """Another live ``kamld up`` holds this home."""

    def __init__(self, home: Path, pid: int | None, url: str | None) -> None:
        self.home, self.pid, self.url = home, pid, url
        who = f"pid {pid}" if pid else "another process"
        where = f" at {url}" if url else ""
        super().__init__(f"KAML-D is already running from {home} ({who}){where}")


@contextmanager
def claim_home(home: Path, gateway_url: str) -> Iterator[Path]:
    """Hold ``home`` for this process while the block runs; :class:`AlreadyRunning` if one holds it."""
    path = home / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            raise AlreadyRunning(home, holder.get("pid"), holder.get("url")) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "url": gateway_url}).encode())
        yield path
    finally:
        os.close(fd)


def _holder(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
