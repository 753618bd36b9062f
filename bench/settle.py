"""Before a profile is timed, wait until the file system creates files at its usual speed.

ext4 without a journal skips inodes freed in the last minute when it allocates new ones, and in
the last six minutes while their inode table block is not yet written back (``recently_deleted`` in
``fs/ext4/ialloc.c``). Every creation pays for that scan in kernel time: 0.3-0.8 ms a file instead
of 10-20 us, for every tool alike. A run started within minutes of the previous run's cleanup (or
of any large deletion) measured that window instead of the tools, and as it faded, whichever tool
ran first paid most: `cp -r` of the 20,000 small files took 2.1-3.8 s instead of 0.45 s, kamld's
pull 3.6-4.4 s instead of 1.5 s, and DVC, minutes later, its usual time. So a run sleeps out
the window after the previous run's cleanup (:func:`wait_after_deletion`), and probes for any
other deletion before each profile (:func:`wait_for_usual_file_creation`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

PROBE_FILES = 500
PROBE_FILES_PER_FOLDER = 10
SLOW_CREATE_S = 150e-6
LIMIT_S = 420.0
# The kernel's window: 60 s, and 300 s more while the inode table block is dirty; with margin.
QUIET_AFTER_DELETION_S = 390.0
INTERVAL_S = 15.0


def creation_seconds(directory: Path, count: int = PROBE_FILES) -> float:
    """Seconds per file to create ``count`` empty files under the new ``directory``, ten to a
    subdirectory: subdirectories are spread over the file system's block groups as a dataset's
    are, and the window is over in some groups before others.

    The files are kept: deleting them would open the window again. Put ``directory`` where the run
    deletes its leftovers at its end.
    """
    directory.mkdir(parents=True)
    started = time.perf_counter()
    for index in range(count):
        folder = directory / str(index // PROBE_FILES_PER_FOLDER)
        if index % PROBE_FILES_PER_FOLDER == 0:
            folder.mkdir()
        os.close(os.open(folder / str(index), os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644))
    return (time.perf_counter() - started) / count


def wait_after_deletion(
    seconds_since: float | None,
    *,
    limit_s: float = LIMIT_S,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] | None = None,
) -> float:
    """Sleep out the rest of the window after a deletion ``seconds_since`` ago; seconds slept.

    A probe alone missed the end of the window: it measured 50 us a file while `cp -r` of the
    small files still ran at 90 us a file and kamld's pull after it at 200 us.
    """
    if seconds_since is None or seconds_since >= QUIET_AFTER_DELETION_S:
        return 0.0
    remaining = min(QUIET_AFTER_DELETION_S - seconds_since, limit_s)
    if remaining > 0:
        (say or _say)(
            f"[bench] the previous run deleted its files {seconds_since:.0f} s ago; waiting "
            f"{remaining:.0f} s until files are created at the usual speed again"
        )
        sleep(remaining)
    return remaining


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
