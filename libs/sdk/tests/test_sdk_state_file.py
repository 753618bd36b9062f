"""The working-copy state a push writes straight from its scan is the one ``save`` writes."""

from __future__ import annotations

from kamld.transfer.scanning import _LocalFile
from kamld.transfer.workcopy import Source, TrackedFile, WorkingCopy, record_push
from kamld_content.chunking import ChunkRef, FileChunks
from kamld_content.hashing import digest_bytes


def _scanned(path: str, pieces: list[bytes], mtime_ns: int, mode: int = 0o644) -> _LocalFile:
    refs, offset = [], 0
    for piece in pieces:
        refs.append(ChunkRef(digest_bytes(piece), offset, len(piece)))
        offset += len(piece)
    chunks = FileChunks(offset, digest_bytes(b"".join(pieces)), refs)
    return _LocalFile(path, "unused", mode, chunks, mtime_ns)


def test_a_pushed_state_is_byte_for_byte_the_state_save_writes(tmp_path):
    scanned = [
        _scanned('quote "and" back\\slash/ünïcødé ✓.bin', [b"a" * 10, b"b" * 20], 1_700_000_000_123_456_789),
        _scanned("a/empty.txt", [], 5),
        _scanned("a/tab\tand\nnewline", [b"x"], 2**62, mode=0o755),
    ]
    source = Source("blake3:" + "ab" * 32, "faces", "v3")
    pushed, saved = tmp_path / "pushed", tmp_path / "saved"
    pushed.mkdir()
    saved.mkdir()
    record_push(pushed, reversed(scanned), source)

    copy = WorkingCopy(saved, source=source, complete=True)
    for item in scanned:
        chunks = [[ref.digest, ref.size] for ref in item.chunks.chunks]
        copy.files[item.path] = TrackedFile(
            item.chunks.size, item.mtime_ns, item.mode, item.chunks.file_digest, chunks
        )
    copy.save()

    assert (
        pushed.joinpath(".kamld/state.json").read_bytes() == saved.joinpath(".kamld/state.json").read_bytes()
    )
    loaded = WorkingCopy.load(pushed)
    assert loaded.source == source and loaded.complete
    assert loaded.files == copy.files
