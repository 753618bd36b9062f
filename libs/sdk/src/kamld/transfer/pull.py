"""Pulling a version into a working copy: check what would be lost, then write, then record.

``pull_manifest`` makes a directory hold manifest ``digest`` (or its folder ``prefix``, paths
relative to it; or the files matching ``include``). It lists the target, compares it with the
directory using the recorded state (:mod:`kamld.transfer.workcopy`: unchanged files are not read),
and refuses with :class:`~kamld.errors.LocalChangesError`, before writing anything, if it would
destroy a local change. Then it records the target as pending, removes tracked files the target
lacks, writes the others (a file held in another version downloads only the chunks it lacks),
and records the new state. Each file is written under a temporary name and renamed into place,
so an interrupted pull leaves every file old or new, and the next pull finishes the job.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kamld.errors import KamldClientError, NotFound
from kamld.transfer.answers import _answer
from kamld.transfer.checkout import matches, mode_differs, plan_checkout, refuse
from kamld.transfer.download import ToWrite, download_files, target_path
from kamld.transfer.limits import DEFAULT_LIMITS, TransferLimits
from kamld.transfer.listing import iter_manifest
from kamld.transfer.progress import ProgressCallback, _Counter
from kamld.transfer.scanning import STATE_DIR
from kamld.transfer.workcopy import LocalFile, Source, TrackedFile, WorkingCopy, survey
from kamld_content.chunking import ChunkRef
from kamld_content.manifest import FileEntry, mode_from_stat


@dataclass(frozen=True)
class PullResult:
    file_count: int
    files_written: int
    files_skipped: int
    bytes_downloaded: int
    bytes_reused: int = 0
    files_removed: int = 0
    untracked: list[str] = field(default_factory=list)


def _is_empty(directory: Path) -> bool:
    try:
        with os.scandir(directory) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return True


def target_entries(
    client: httpx.Client,
    base_path: str,
    digest: str,
    prefix: str = "",
    include: Sequence[str] = (),
    *,
    read_ahead: bool = False,
    limits: TransferLimits = DEFAULT_LIMITS,
) -> Iterator[FileEntry]:
    """The files a pull of ``digest`` writes, with paths relative to the folder ``prefix``.

    ``prefix`` names a folder (``images`` holds ``images/a.png``, not ``images2/b.png``) or, when
    no folder has that name, one file, pulled under its own name. Neither: :class:`NotFound`.
    """
    for entry in _listed(client, base_path, digest, prefix, read_ahead=read_ahead, limits=limits):
        # A version pushed with its own ``.kamld/`` (by a client that did not leave it out) must
        # not overwrite the directory's working-copy state.
        if matches(entry.path, include) and STATE_DIR not in entry.path.split("/"):
            yield entry


def _listed(
    client: httpx.Client,
    base_path: str,
    digest: str,
    prefix: str,
    *,
    read_ahead: bool,
    limits: TransferLimits,
) -> Iterator[FileEntry]:
    folder = prefix.strip("/")
    if not folder:
        yield from iter_manifest(client, base_path, digest, read_ahead=read_ahead, limits=limits)
        return
    head = folder + "/"
    found = False
    for entry in iter_manifest(client, base_path, digest, head, read_ahead=read_ahead, limits=limits):
        found = True
        relative = entry.path[len(head) :]
        yield FileEntry.trusted(relative, entry.size, entry.mode, entry.digest, entry.chunks)
    if found:
        return
    for entry in iter_manifest(client, base_path, digest, folder, limits=limits):
        if entry.path == folder:
            name = folder.rsplit("/", 1)[-1]
            yield FileEntry.trusted(name, entry.size, entry.mode, entry.digest, entry.chunks)
            return
    raise NotFound(f"the version has no file or folder {folder!r}", code="path_not_found")


def pull_manifest(
    client: httpx.Client,
    base_path: str,
    digest: str,
    directory: str | os.PathLike[str],
    include: Sequence[str] = (),
    *,
    prefix: str = "",
    force: bool = False,
    source: Source | None = None,
    progress: ProgressCallback | None = None,
    concurrency: int = 8,
    direct_writes: bool = True,
    total_bytes: int | None = None,
    limits: TransferLimits = DEFAULT_LIMITS,
) -> PullResult:
    """Make ``directory`` hold the files of manifest ``digest`` (see the module's docstring).

    ``source`` names the version for the working-copy state; ``force`` overwrites and removes
    local changes instead of refusing. ``total_bytes``, the manifest's size for progress, spares a
    request when the caller knows it (a version carries it).
    """
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise KamldClientError(f"{os.fspath(directory)!r} is not a directory", code="not_a_directory")
    source = source or Source(digest, path=prefix.strip("/"))
    if not prefix.strip("/") and _is_empty(root):
        return _pull_into_empty(
            client,
            base_path,
            root,
            source,
            include,
            progress,
            concurrency,
            direct_writes,
            total_bytes,
            limits,
        )
    copy = WorkingCopy.load(root)
    pending = None
    if copy.pending is not None:
        pending = _entries_of(client, base_path, copy.pending, limits)
    holds_target = (
        copy.complete
        and pending is None
        and not include
        and copy.source is not None
        and (copy.source.digest, copy.source.path) == (source.digest, source.path)
    )
    local = survey(copy, pending) if root.is_dir() else {}
    if holds_target and _untouched(copy, local):
        if copy.source != source:  # the same files, reached by another name
            copy.source = source
            copy.save()
        return PullResult(len(local), 0, len(local), 0)
    if holds_target:
        targets = [tracked.entry(path) for path, tracked in copy.files.items()]
    else:
        targets = list(target_entries(client, base_path, digest, prefix, include, limits=limits))
    plan = plan_checkout(
        targets, local, include, force=force, is_folder=lambda path: target_path(root, path).is_dir()
    )
    refuse(plan, directory)

    changes = bool(plan.write or plan.remove) or pending is not None
    if changes:
        root.mkdir(parents=True, exist_ok=True)
        copy.pending = source
        copy.save()
    for path in plan.remove:
        _remove(root, path)
    for entry, found in plan.keep:
        if mode_differs(entry, found):
            os.chmod(found.source, entry.mode)
    items: list[ToWrite] = [(entry, _shared(entry, earlier)) for entry, earlier in plan.write]
    counter = _Counter("download", sum(entry.size for entry, _ in items), progress)
    done = download_files(
        client, base_path, root, items, counter, limits, concurrency=concurrency, direct_writes=direct_writes
    )

    wanted = {entry.path for entry in targets}
    kept = {
        path: tracked
        for path, tracked in copy.files.items()
        if path not in wanted and not matches(path, include)
    }
    for entry, found in plan.keep:
        if (
            found.recorded is not None
            and found.recorded.mode == entry.mode
            and found.recorded.digest == entry.digest
        ):
            kept[entry.path] = found.recorded
        else:
            kept[entry.path] = TrackedFile.of(entry, found.stat)
    for entry in done.written:
        kept[entry.path] = TrackedFile.of(entry, target_path(root, entry.path).stat())
    stale = copy.pending is not None or copy.source != source or copy.complete != (not include)
    if changes or stale or kept != copy.files:
        root.mkdir(parents=True, exist_ok=True)
        copy.files, copy.source, copy.complete, copy.pending = kept, source, not include, None
        copy.save()
    return PullResult(
        file_count=len(targets),
        files_written=done.files_written,
        files_skipped=len(plan.keep),
        bytes_downloaded=done.bytes_downloaded,
        bytes_reused=done.bytes_reused,
        files_removed=len(plan.remove),
        untracked=plan.untracked,
    )


def _pull_into_empty(
    client: httpx.Client,
    base_path: str,
    root: Path,
    source: Source,
    include: Sequence[str],
    progress: ProgressCallback | None,
    concurrency: int,
    direct_writes: bool,
    total_bytes: int | None,
    limits: TransferLimits,
) -> PullResult:
    """A pull with nothing to compare: the listing streams straight into the downloads."""
    root.mkdir(parents=True, exist_ok=True)
    copy = WorkingCopy(root, pending=source)
    copy.save()
    if total_bytes is None:
        total_bytes = _answer(client.get(f"{base_path}/manifests/{source.digest}"))["total_bytes"]
    counter = _Counter("download", total_bytes, progress)
    listed = target_entries(client, base_path, source.digest, "", include, read_ahead=True, limits=limits)
    done = download_files(
        client,
        base_path,
        root,
        ((entry, None) for entry in listed),
        counter,
        limits,
        concurrency=concurrency,
        direct_writes=direct_writes,
    )
    copy.files = {
        entry.path: TrackedFile.of(entry, target_path(root, entry.path).stat()) for entry in done.written
    }
    copy.source, copy.complete, copy.pending = source, not include, None
    copy.save()
    return PullResult(len(done.written), done.files_written, 0, done.bytes_downloaded)


def _untouched(copy: WorkingCopy, local: dict[str, LocalFile]) -> bool:
    """Whether the directory holds exactly its recorded files, each unchanged, mode included."""
    if len(local) != len(copy.files):
        return False
    for path, found in local.items():
        tracked = copy.files.get(path)
        if tracked is None or found.recorded is not tracked:
            return False
        if mode_from_stat(found.stat.st_mode) != tracked.mode:
            return False
    return True


def _entries_of(
    client: httpx.Client, base_path: str, source: Source, limits: TransferLimits
) -> dict[str, FileEntry] | None:
    """The files of an interrupted pull's target, to recognise those it wrote; None if gone."""
    try:
        return {
            entry.path: entry
            for entry in target_entries(client, base_path, source.digest, source.path, limits=limits)
        }
    except NotFound:
        return None


def _shared(entry: FileEntry, earlier: list[ChunkRef] | None) -> list[ChunkRef] | None:
    """The earlier version's chunks, when it shares any with the new one (else a delta gains nothing)."""
    if not earlier:
        return None
    have = {ref.digest for ref in earlier}
    return earlier if any(ref.digest in have for ref in entry.chunks) else None


def _remove(root: Path, path: str) -> None:
    """Remove a file the target lacks, and the folders that leaves empty (up to ``root``)."""
    target = target_path(root, path)
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != root:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
