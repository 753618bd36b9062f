"""Before a profile is timed, wait until the file system creates files at its usual speed.

ext4 without a journal skips inodes freed in the last minute when it allocates new ones, and in
the last six while their inode table block is not yet written back (``recently_deleted`` in
``fs/ext4/ialloc.c``). Every creation pays for that scan in kernel time: 0.3-0.8 ms a file instead
of 10-20 us, for every tool alike. A run started within minutes of the previous run's cleanup (or
of any large deletion) measured that window instead of the tools, and as it faded, whichever tool
ran first paid most: `cp -r` of the 20,000 small files took 2.1-3.8 s instead of 0.45 s, kamld's
pull 3.6-4.4 s instead of 1.5 s, and DVC, minutes later, its usual time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

PROBE_FILES = 500
SLOW_CREATE_S = 150e-6
LIMIT_S = 420.0
INTERVAL_S = 15.0


def creation_seconds(directory: Path, count: int = PROBE_FILES) -> float:
    """Seconds per file to create ``count`` empty files in the new ``directory``.

    The files are kept: deleting them would open the window again. Put ``directory`` where the run
    deletes its leftovers at its end.
    """
    directory.mkdir(parents=True)
    started = time.perf_counter()
    for index in range(count):
        os.close(os.open(directory / str(index), os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644))
    return (time.perf_counter() - started) / count


def wait_for_usual_file_creation(
    probes: Path,
    *,
    limit_s: float = LIMIT_S,
    probe: Callable[[Path], float] = creation_seconds,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    say: Callable[[str], None] | None = None,
) -> float:
    """Probe file creation under ``probes`` until it is fast or ``limit_s`` passed; seconds waited."""
    say = say or _say
    started = clock()
    attempt = 0
    while True:
        per_file = probe(probes / f"creation-probe-{attempt}")
        waited = clock() - started
        if per_file < SLOW_CREATE_S:
            if attempt:
                say(f"[bench] file creation back to {per_file * 1e6:.0f} us a file after {waited:.0f} s")
            return waited
        if waited >= limit_s:
            say(
                f"[bench] creating a file takes {per_file * 1e6:.0f} us; timing anyway, so the many-small "
                "rows include it"
            )
            return waited
        if attempt == 0:
            say(
                f"[bench] creating a file takes {per_file * 1e6:.0f} us (files deleted minutes ago are "
                f"being skipped); waiting up to {limit_s:.0f} s for the usual speed"
            )
        sleep(INTERVAL_S)
        attempt += 1


def _say(message: str) -> None:
    print(message, flush=True)
