"""Server worker processes that end with the process that started them.

With ``workers`` above one, uvicorn's parent process spawns the workers that serve the shared
socket. A parent killed outright (``kill -9``) cannot stop them, and they would serve on, orphans
holding the port its replacement needs. Each worker therefore asks Linux for SIGTERM when its
parent dies (``PR_SET_PDEATHSIG``), and ends at once if the parent is already gone.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def end_with_parent() -> None:
    """In a worker process (one ``multiprocessing`` started): get SIGTERM when the parent dies."""
    parent = multiprocessing.parent_process()
    if parent is None or sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        return
    if os.getppid() != parent.pid:  # the parent died before the request was made
        os.kill(os.getpid(), signal.SIGTERM)
