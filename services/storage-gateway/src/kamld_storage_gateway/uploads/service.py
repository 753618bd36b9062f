"""The upload protocol, without HTTP: sessions, missing chunks, chunk batches, whole files, commit.

Rules that keep a push safe:
- every chunk is verified against its digest before anything of its batch is stored;
- each stored chunk is recorded in its session, so garbage collection spares it while the
  session is open (the record and the write happen under the GC write guard);
- a commit writes pages first and the root last, and only after every referenced chunk was
  found, so a failed or interrupted commit leaves no visible version;
- every chunk a whole file uploaded to the session names is recorded in the session, and the
  source of every split staged in it is protected while it is open, so the commit knows those
  chunks are stored and checks only the chunks of the streamed file list.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from prometheus_client import Counter

from kamld_common.errors import Conflict, Invalid, KamldError, NotFound, PayloadTooLarge
from kamld_content.chunking import DEFAULT_PARAMS, ChunkRef, iter_file_chunks
from kamld_content.framing import Chunk, ChunkPieces
from kamld_content.hashing import Hasher, digest_bytes, is_digest
from kamld_content.manifest import REGULAR_MODE, FileEntry
from kamld_content.paths import InvalidPath, normalize_path
from kamld_content.split import partition
from kamld_storage_gateway import background
from kamld_storage_gateway.admission import ByteBudget
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.gc.guard import WriteGuard
from kamld_storage_gateway.manifests.format import decode_lines
from kamld_storage_gateway.manifests.service import ManifestService, ManifestSummary
from kamld_storage_gateway.models import UploadSession
from kamld_storage_gateway.uploads.ndjson import iter_lines, parse_entry
from kamld_storage_gateway.uploads.repository import UploadRepository

MAX_MISSING_QUERY = 10_000
MISSING_CHECK_BATCH = 5_000
MISSING_REPORT_LIMIT = 1_000
_CHUNKS_PER_WRITE = 16

# Deduplication: of the chunks pushes asked about, how many had to be sent (the rest were stored).
CHUNKS_OFFERED = Counter(
    "kamld_storage_chunks_offered_total", "Distinct chunks pushes asked the store about (before sending)"
)
CHUNKS_MISSING = Counter(
    "kamld_storage_chunks_missing_total", "Of the chunks offered, those the store lacked and the push sent"
)


class UploadExpired(KamldError):
    status = 410
    code = "upload_expired"
    title = "Upload session expired"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def validate_digest(value: str, field: list[str | int] | str) -> str:
    if not is_digest(value):
        raise Invalid(
            f"{value[:80]!r} is not a digest of the form 'blake3:<64 hex>'",
            field=field,
            code="invalid_digest",
        )
    return value


@dataclass(frozen=True, slots=True)
class OpenedSession:
    id: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class StoredChunks:
    received: int
    stored: int
    bytes: int


class UploadService:
    def __init__(
        self,
        guard: WriteGuard,
        chunks: ChunkStore,
        manifests: ManifestService,
        *,
        ttl_s: int,
        max_file_bytes: int,
        max_line_bytes: int,
        memory_bytes: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.guard = guard
        self.database = guard.database
        self.chunks = chunks
        self.manifests = manifests
        self.ttl = timedelta(seconds=ttl_s)
        self.max_file_bytes = max_file_bytes
        self.max_line_bytes = max_line_bytes
        # Every body held in memory while it is verified and stored takes its share first.
        self.memory = ByteBudget(memory_bytes)
        self.clock = clock

    async def open(self) -> OpenedSession:
        now = self.clock()
        upload = UploadSession(id=uuid.uuid4().hex, state="open", created_at=now, expires_at=now + self.ttl)
        async with self.database.unit_of_work() as session:
            await UploadRepository(session).add_session(upload)
        return OpenedSession(upload.id, upload.expires_at)

    async def _require_open(
        self, repository: UploadRepository, upload_id: str, *, for_update: bool = False
    ) -> UploadSession:
        upload = await repository.get_session(upload_id, for_update=for_update)
        if upload is None:
            raise NotFound(
                f"no upload session {upload_id!r}", code="upload_not_found", extra={"upload_id": upload_id}
            )
        if _aware(upload.expires_at) <= self.clock():
            raise UploadExpired(
                f"upload session {upload_id!r} expired; open a new one", extra={"upload_id": upload_id}
            )
        if upload.state != "open":
            raise Conflict(
                f"upload session {upload_id!r} is already committed",
                code="upload_committed",
                extra={"upload_id": upload_id, "digest": upload.manifest_digest},
            )
        return upload

    async def check_open(self, upload_id: str) -> None:
        async with self.database.unit_of_work() as session:
            await self._require_open(UploadRepository(session), upload_id)

    async def missing(self, upload_id: str, digests: list[str]) -> list[str]:
        """Which of ``digests`` the store lacks (order kept, duplicates once)."""
        for index, digest in enumerate(digests):
            validate_digest(digest, ["digests", index])
        await self.check_open(upload_id)
        unique = list(dict.fromkeys(digests))
        absent = set(await self.chunks.missing(unique))
        CHUNKS_OFFERED.inc(len(unique))
        CHUNKS_MISSING.inc(len(absent))
        return [digest for digest in unique if digest in absent]

    async def put_chunks(
        self, upload_id: str | None, frames: Sequence[tuple[str, Chunk]], *, field: str = "chunks"
    ) -> StoredChunks:
        """Verify every chunk, then store them all and record them in the session (if any)."""
        for index, (digest, _) in enumerate(frames):
            validate_digest(digest, [field, index, "digest"])
        mismatch = await asyncio.to_thread(_first_mismatch, frames)
        if mismatch is not None:
            index, actual = mismatch
            raise Invalid(
                f"chunk {index} does not match its digest {frames[index][0]} "
                f"(its bytes hash to {actual}); nothing was stored",
                field=[field, index],
                code="digest_mismatch",
            )
        async with self.guard.writing() as session:
            repository = UploadRepository(session)
            if upload_id is not None:
                # Checked in the transaction that records the chunks: one round trip, not two.
                await self._require_open(repository, upload_id)
            new = await self.chunks.put_verified(frames)
            await repository.mark_pending(new, self.clock())
            if upload_id is not None:
                await repository.record_chunks(upload_id, (digest for digest, _ in frames))
        return StoredChunks(len(frames), len(new), sum(len(data) for _, data in frames))

    async def put_file(
        self, upload_id: str, raw_path: str, body: AsyncIterable[bytes], *, mode: int = REGULAR_MODE
    ) -> FileEntry:
        """Chunk a streamed whole file on the server and remember it for the commit."""
        try:
            path = normalize_path(raw_path)
        except InvalidPath as exc:
            raise Invalid(str(exc), field="path", code="invalid_path", extra={"path": raw_path}) from None
        if mode not in (0o644, 0o755):
            raise Invalid("mode must be 420 (0o644) or 493 (0o755)", field="mode")
        await self.check_open(upload_id)
        with tempfile.TemporaryDirectory(prefix="kamld-upload-") as scratch:
            spooled = os.path.join(scratch, "body")
            size, file_digest = await self._spool(body, spooled)
            chunk_refs = []
            batch: list[tuple[str, bytes]] = []
            chunk_iter = iter_file_chunks(spooled)
            async with self.memory.hold(_CHUNKS_PER_WRITE * DEFAULT_PARAMS.max_size):
                while (item := await asyncio.to_thread(next, chunk_iter, None)) is not None:
                    ref, data = item
                    chunk_refs.append(ref)
                    batch.append((ref.digest, data))
                    if len(batch) >= _CHUNKS_PER_WRITE:
                        await self.put_chunks(upload_id, batch)
                        batch = []
                if batch:
                    await self.put_chunks(upload_id, batch)
        entry = FileEntry(path=path, size=size, mode=mode, digest=file_digest, chunks=chunk_refs)
        async with self.database.unit_of_work() as session:
            repository = UploadRepository(session)
            await self._require_open(repository, upload_id)
            await repository.put_file(upload_id, path, size, mode, file_digest, entry.to_canonical())
        return entry

    async def stage_split(
        self,
        upload_id: str,
        source_digest: str,
        *,
        test: float,
        val: float,
        seed: int,
        exclude: Sequence[str],
    ) -> None:
        """Stage the files of the committed manifest ``source_digest`` (less ``exclude``) as
        ``PART/PATH`` files of the session, split by :func:`kamld_content.split.partition`.

        Only the source and the split are recorded, under the GC write guard: garbage collection
        keeps the source's chunks while the session is open, and the commit derives the entries
        from the verified source manifest without parsing or checking them again.
        """
        async with self.guard.writing() as session:
            repository = UploadRepository(session)
            await self._require_open(repository, upload_id)
            await repository.add_split(
                upload_id,
                source_digest,
                test=test,
                val=val,
                seed=seed,
                exclude=json.dumps(sorted(set(exclude)), ensure_ascii=False),
                at=self.clock(),
            )

    async def _spool(self, body: AsyncIterable[bytes], target: str) -> tuple[int, str]:
        hasher = Hasher()
        out = await asyncio.to_thread(open, target, "wb")
        with out:
            async for block in body:
                if hasher.size + len(block) > self.max_file_bytes:
                    raise PayloadTooLarge(
                        f"the file is larger than {self.max_file_bytes} bytes",
                        code="file_too_large",
                        extra={
                            "errors": [{"loc": ["body"], "msg": "file too large", "type": "file_too_large"}]
                        },
                    )
                hasher.update(block)
                await asyncio.to_thread(out.write, block)
        return hasher.size, hasher.digest()

    async def commit(self, upload_id: str, body: AsyncIterable[bytes]) -> ManifestSummary:
        """Build the manifest from the streamed file list merged with the session's whole files.

        The streamed lines must be sorted by path (byte order); a path that is both streamed and
        uploaded as a whole file is a duplicate. Nothing becomes visible unless all checks pass.
        """
        async with self.guard.writing() as session:
            repository = UploadRepository(session)
            await self._require_open(repository, upload_id, for_update=True)
            writer = self.manifests.writer()
            checker = _ChunkPresence(self.chunks, repository)
            staged = await self._staged(repository, upload_id)
            streamed = _tagged(_parsed(iter_lines(body, self.max_line_bytes)), _LISTED)
            uploaded = _tagged(_decoded(repository.iter_file_entries(upload_id)), _UPLOADED)
            async for entry, source in _merge(streamed, _merge(uploaded, _tagged(_each(staged), _STAGED))):
                await writer.add(entry)
                if source != _STAGED:  # a split's entries name chunks of a committed manifest
                    await checker.add(entry, check=source == _LISTED)
            await checker.flush()
            if checker.missing:
                raise Invalid(
                    f"{checker.missing_count} referenced chunk(s) are not stored; "
                    "upload them and commit again",
                    code="missing_chunks",
                    extra={
                        "missing": checker.missing,
                        "missing_count": checker.missing_count,
                        "errors": [{"loc": ["files"], "msg": "missing chunks", "type": "missing_chunks"}],
                    },
                )
            summary = await writer.finish()
            await repository.mark_committed(
                upload_id,
                digest=summary.digest,
                file_count=summary.file_count,
                total_bytes=summary.total_bytes,
                at=self.clock(),
            )
        return summary

    async def _staged(self, repository: UploadRepository, upload_id: str) -> list[FileEntry]:
        """The entries the session's splits stage, sorted by path."""
        staged: list[FileEntry] = []
        splits = await repository.splits(upload_id)
        for split in splits:
            parts, _ = await split_manifest(
                self.manifests,
                split.source_digest,
                test=split.test,
                val=split.val,
                seed=split.seed,
                exclude=json.loads(split.exclude),
            )
            staged.extend(moved(parts))
        if len(splits) > 1:
            staged.sort(key=lambda entry: entry.path)
        return staged


SourceFile = tuple[str, bytes]
"""A file of a committed manifest: its path and canonical line."""


async def split_manifest(
    manifests: ManifestService, digest: str, *, test: float, val: float, seed: int, exclude: Sequence[str]
) -> tuple[dict[str, list[SourceFile]], list[str]]:
    """The parts of a committed manifest's files less ``exclude``, by the shared seeded partition,
    and the ``exclude`` paths that are not files of it (sorted)."""
    skipped = set(exclude)
    kept: list[SourceFile] = []
    async for path, line in manifests.iter_lines(digest):
        if path in skipped:
            skipped.discard(path)
        else:
            kept.append((path, line))
    chosen = partition(range(len(kept)), path=lambda index: kept[index][0], test=test, val=val, seed=seed)
    # Each part in path order (the files' indices sorted), which the new manifest needs.
    parts = {part: [kept[index] for index in sorted(indices)] for part, indices in chosen.items()}
    return parts, sorted(skipped)


_NOT_DECODED: list[ChunkRef] = []  # shared by every staged entry, never changed


class StagedEntry(FileEntry):
    """A file of a committed manifest moved under ``PART/``, kept as its canonical line.

    The line was validated when its manifest was written (the page's digest proves these are its
    bytes), and moving it only prefixes the path, so it is neither decoded nor checked again; a
    manifest writer takes its path, size and line. Its chunks are not decoded (``chunks`` is empty).
    """

    __slots__ = ("line",)
    line: str

    @classmethod
    def moved(cls, part: str, line: bytes) -> StagedEntry:
        fields = orjson.loads(line)
        # Nothing before the path in a canonical line ({"chunks":…,"digest":…,"mode":…,"path":…,
        # "size":…}) holds '"path":"', so the first one is the path's.
        moved_line = line.replace(b'"path":"', b'"path":"' + part.encode() + b"/", 1)
        entry = object.__new__(cls)
        for name, value in (
            ("path", f"{part}/{fields['path']}"),
            ("size", fields["size"]),
            ("mode", fields["mode"]),
            ("digest", fields["digest"]),
            ("chunks", _NOT_DECODED),
            ("line", moved_line.decode("utf-8")),
        ):
            object.__setattr__(entry, name, value)
        return entry

    def to_canonical(self) -> str:
        return self.line


def moved(parts: dict[str, list[SourceFile]]) -> list[FileEntry]:
    """Each part's files (in path order) under ``PART/``, as staged entries in path order."""
    return [StagedEntry.moved(part, line) for part in sorted(parts) for _, line in parts[part]]


def _digest_of_pieces(data: ChunkPieces) -> str:
    hasher = Hasher(threaded=False)
    for part in data.parts:
        hasher.update(part)
    return hasher.digest()


def _first_mismatch(frames: Sequence[tuple[str, Chunk]]) -> tuple[int, str] | None:
    """``(index, actual digest)`` of the first chunk whose bytes do not hash to its digest.

    One thread per batch: batches arrive several at a time, each verified on a worker thread of
    its own, so BLAKE3's own threads only added hand-offs. Hashing each piece of a chunk on them
    spent a tenth of storage-gateway's CPU in a 1 GiB push yielding and waiting (docs/storage.md).
    """
    for index, (digest, data) in enumerate(frames):
        actual = (
            _digest_of_pieces(data) if isinstance(data, ChunkPieces) else digest_bytes(data, threaded=False)
        )
        if actual != digest:
            return index, actual
    return None


async def _parsed(lines: AsyncIterator[tuple[int, bytes]]) -> AsyncIterator[FileEntry]:
    previous: str | None = None
    async for number, line in lines:
        entry = parse_entry(number, line)
        if previous is not None and entry.path <= previous:
            code = "duplicate_path" if entry.path == previous else "unsorted_paths"
            raise Invalid(
                f"line {number}: path {entry.path!r} "
                + (
                    "is listed twice"
                    if entry.path == previous
                    else f"comes after {previous!r}; send paths sorted"
                ),
                field=["files", number, "path"],
                code=code,
                extra={"path": entry.path},
            )
        previous = entry.path
        yield entry


async def _decoded(lines: AsyncIterator[str]) -> AsyncIterator[FileEntry]:
    """The session's files: canonical lines this service wrote from entries it built or read from
    a verified manifest, so they are rebuilt without validating them again."""
    async for line in lines:
        yield decode_lines([line.encode()])[0]


_LISTED, _UPLOADED, _STAGED = "listed", "uploaded", "staged"
Tagged = tuple[FileEntry, str]


async def _tagged(entries: AsyncIterator[FileEntry], tag: str) -> AsyncIterator[Tagged]:
    async for entry in entries:
        yield entry, tag


async def _each(entries: list[FileEntry]) -> AsyncIterator[FileEntry]:
    for entry in entries:
        yield entry


async def _merge(left: AsyncIterator[Tagged], right: AsyncIterator[Tagged]) -> AsyncIterator[Tagged]:
    """Merge two path-sorted streams of entries tagged with where they came from (the streamed
    file list, a file uploaded whole, a split); a path present in both is a duplicate."""
    a = await anext(left, None)
    b = await anext(right, None)
    while a is not None or b is not None:
        if a is not None and (b is None or a[0].path < b[0].path):
            yield a
            a = await anext(left, None)
        elif b is not None and (a is None or b[0].path < a[0].path):
            yield b
            b = await anext(right, None)
        elif a is not None and b is not None:
            path = a[0].path
            where = {
                _LISTED: "in the file list",
                _UPLOADED: "uploaded as a whole file",
                _STAGED: "staged by a split",
            }
            raise Invalid(
                f"path {path!r} is both {where[a[1]]} and {where[b[1]]}"
                if a[1] != b[1]
                else f"path {path!r} is {where[a[1]]} twice",
                field=["files", path],
                code="duplicate_path",
                extra={"path": path},
            )


class _ChunkPresence:
    """Checks referenced chunks exist, in batches, remembering a bounded sample of the missing,
    and marks them no longer pending (in the commit's transaction: undone if the commit fails).

    One batch is checked in the background while the next is collected, so the commit goes on
    parsing; :meth:`flush` waits for every check. The database is used between entries only, never
    by the background check, so the commit's session is never used twice at once.
    """

    def __init__(self, chunks: ChunkStore, repository: UploadRepository | None = None) -> None:
        self.chunks = chunks
        self.repository = repository
        self._pending: set[str] = set()
        self._known: set[str] = set()
        self._checks = background.OneAtATime()
        self.missing: list[str] = []
        self.missing_count = 0

    async def add(self, entry: FileEntry, *, check: bool = True) -> None:
        """Count ``entry``'s chunks in; ``check=False`` for chunks known stored (recorded in the
        session): they are only marked no longer pending."""
        (self._pending if check else self._known).update([chunk.digest for chunk in entry.chunks])
        if len(self._pending) + len(self._known) >= MISSING_CHECK_BATCH:
            await self._start_check()

    async def flush(self) -> None:
        if self._pending or self._known:
            await self._start_check()
        await self._checks.wait()

    async def _start_check(self) -> None:
        batch, self._pending = self._pending, set()
        known, self._known = self._known, set()
        if self.repository is not None:
            await self.repository.clear_pending(batch | known)
        if batch:
            await self._checks.start(self._check(batch))

    async def _check(self, digests: set[str]) -> None:
        absent = sorted(await self.chunks.missing(sorted(digests)))
        self.missing_count += len(absent)
        room = MISSING_REPORT_LIMIT - len(self.missing)
        if room > 0:
            self.missing.extend(absent[:room])
