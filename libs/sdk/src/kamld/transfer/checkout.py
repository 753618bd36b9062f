"""Deciding what a pull does to a working copy, before it writes anything.

A pull makes the directory exactly the target version (or, with ``include``, the matching part of
it): files it lacks or holds in another version are written, tracked files the target lacks are
removed, untracked files elsewhere are kept and reported. A local change the pull would destroy
(a modified file it would overwrite or remove, an untracked file it would overwrite) is a
conflict: the whole pull is refused unless forced.
"""

from __future__ import annotations

import fnmatch
import os
import stat as stat_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kamld.errors import LocalChangesError
from kamld.transfer.workcopy import LocalFile
from kamld_content.chunking import ChunkRef
from kamld_content.manifest import FileEntry, mode_from_stat


@dataclass(frozen=True, slots=True)
class Conflict:
    path: str
    reason: str


@dataclass
class Checkout:
    """What a pull will do: files to write (with the old file's chunks where a delta can use them),
    files already right (a mode to fix at most), tracked files to remove, untracked files kept."""

    write: list[tuple[FileEntry, list[ChunkRef] | None]] = field(default_factory=list)
    keep: list[tuple[FileEntry, LocalFile]] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def matches(path: str, include: Sequence[str]) -> bool:
    """Whether ``path`` is one an ``include`` pull touches (a glob, or a folder and what it holds)."""
    return not include or any(
        fnmatch.fnmatchcase(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
        for pattern in include
    )


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: index + 1]) for index in range(len(parts))]


def plan_checkout(
    targets: list[FileEntry],
    local: dict[str, LocalFile],
    include: Sequence[str],
    *,
    force: bool,
    is_folder: Callable[[str], bool],
) -> Checkout:
    """Compare the target's files with the directory's (``is_folder``: a path is a folder there)."""
    plan = Checkout()
    wanted = {entry.path for entry in targets}
    for path, found in sorted(local.items()):
        if path in wanted or not matches(path, include):
            if path not in wanted and found.untracked:
                plan.untracked.append(path)
            continue
        if found.untracked:
            plan.untracked.append(path)
        elif found.modified and not force:
            plan.conflicts.append(Conflict(path, "modified locally; the version does not have it"))
        else:
            plan.remove.append(path)
    removed = set(plan.remove)
    for entry in targets:
        present = local.get(entry.path)
        if present is not None:
            _compare(plan, entry, present, force=force)
            continue  # a file is there, so every folder above it is a folder
        if is_folder(entry.path):
            plan.conflicts.append(Conflict(entry.path, "is a folder here; the version has a file"))
            continue
        for parent in _parents(entry.path):
            blocker = local.get(parent)
            if blocker is not None and parent not in removed:
                if force:
                    plan.remove.append(parent)
                    removed.add(parent)
                else:
                    plan.conflicts.append(Conflict(parent, "is a file here; the version has a folder"))
        plan.write.append((entry, None))
    plan.untracked = [path for path in plan.untracked if path not in removed]
    return plan


def _compare(plan: Checkout, entry: FileEntry, found: LocalFile, *, force: bool) -> None:
    """Keep, rewrite (from its recorded chunks where it has them) or refuse to touch a file there."""
    if found.holds(entry):
        plan.keep.append((entry, found))
    elif found.recorded is not None:
        plan.write.append((entry, found.recorded.chunk_refs()))
    elif force:
        plan.write.append((entry, None))
    elif found.modified:
        plan.conflicts.append(Conflict(entry.path, "modified locally; the version has another file"))
    else:
        plan.conflicts.append(Conflict(entry.path, "untracked; the version has another file here"))


def refuse(plan: Checkout, directory: os.PathLike[str] | str) -> None:
    """Raise :class:`LocalChangesError` listing the plan's conflicts, if it has any."""
    if not plan.conflicts:
        return
    conflicts = {c.path: c.reason for c in reversed(plan.conflicts)}
    count = len(conflicts)
    raise LocalChangesError(
        f"pull would overwrite or remove local changes in {count} file{'s' if count > 1 else ''} of "
        f"{os.fspath(directory)}; nothing was written (push them first, or pull with --force)",
        conflicts=sorted(conflicts.items()),
    )


def mode_differs(entry: FileEntry, found: LocalFile) -> bool:
    return stat_module.S_ISREG(found.stat.st_mode) and mode_from_stat(found.stat.st_mode) != entry.mode
