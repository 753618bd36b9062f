"""Moving directories to and from storage, and keeping track of what a directory holds.

``push_directory`` (:mod:`.push`) sends only the chunks the server lacks; ``pull_manifest``
(:mod:`.pull`) makes a directory exactly a version, refusing to destroy local changes
(:mod:`.checkout`) and downloading only what the directory lacks (:mod:`.download`,
:mod:`.writing`); :mod:`.workcopy` records what a pushed or pulled directory holds. ``base_path``
is ``""`` against storage-gateway itself and ``"/api/v1"`` through the gateway.
"""

from kamld.transfer.limits import DEFAULT_LIMITS, TransferLimits
from kamld.transfer.listing import iter_manifest
from kamld.transfer.progress import Progress, ProgressCallback
from kamld.transfer.pull import PullResult, pull_manifest, target_entries
from kamld.transfer.push import CommitResult, push_directory
from kamld.transfer.scanning import STATE_DIR, scan_directory
from kamld.transfer.workcopy import LocalChange, LocalFile, Source, WorkingCopy, compare, survey
from kamld.transfer.writing import TEMP_PREFIX

__all__ = [
    "DEFAULT_LIMITS",
    "STATE_DIR",
    "TEMP_PREFIX",
    "CommitResult",
    "LocalChange",
    "LocalFile",
    "Progress",
    "ProgressCallback",
    "PullResult",
    "Source",
    "TransferLimits",
    "WorkingCopy",
    "compare",
    "iter_manifest",
    "pull_manifest",
    "push_directory",
    "scan_directory",
    "survey",
    "target_entries",
]
