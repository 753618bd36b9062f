import json
import stat

import pytest

from kamld_content.chunking import ChunkingParams, ChunkRef, chunk_bytes
from kamld_content.hashing import digest_bytes
from kamld_content.manifest import FileEntry, mode_from_stat
from kamld_content.paths import InvalidPath


def entry_for(path: str, data: bytes, mode: int = 0o644) -> FileEntry:
    chunks = chunk_bytes(data, ChunkingParams(min_size=64, avg_size=256, max_size=1024))
    return FileEntry(path, chunks.size, mode, chunks.file_digest, chunks.chunks)


def test_canonical_line_is_compact_sorted_and_round_trips(random_bytes):
    entry = entry_for("train/é x.bin", random_bytes(5_000, 1), 0o755)
    line = entry.to_canonical()
    assert "\n" not in line and ": " not in line and ", " not in line
    body = json.loads(line)
    assert list(body) == sorted(body)
    assert body["chunks"][0] == [entry.chunks[0].digest, entry.chunks[0].size]
    assert "é x.bin" in line
    assert FileEntry.from_canonical(line) == entry
    assert FileEntry.from_canonical(line.encode()) == entry


def test_empty_file_entry_round_trips():
    entry = FileEntry("empty", 0, 0o644, digest_bytes(b""), [])
    assert FileEntry.from_canonical(entry.to_canonical()) == entry


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b.update(path="./a") or b,
        lambda b: b.update(path="../a") or b,
        lambda b: b.update(size=b["size"] + 1) or b,
        lambda b: b.update(size=-1) or b,
        lambda b: b.update(size=True) or b,
        lambda b: b.update(mode=0o600) or b,
        lambda b: b.update(digest="blake3:xyz") or b,
        lambda b: b.update(extra=1) or b,
        lambda b: b.pop("mode") and b,
        lambda b: b.update(chunks=[["blake3:" + "0" * 64, 0]]) or b,
        lambda b: b.update(chunks="nope") or b,
        lambda b: b.update(chunks=[["blake3:" + "0" * 64]]) or b,
    ],
)
def test_decoding_rejects_invalid_entries(random_bytes, mutate):
    body = json.loads(entry_for("a", random_bytes(3_000, 2)).to_canonical())
    line = json.dumps(mutate(body), sort_keys=True, separators=(",", ":"))
    with pytest.raises(ValueError):
        FileEntry.from_canonical(line)


def test_decoding_rejects_non_canonical_spelling(random_bytes):
    line = entry_for("a", random_bytes(3_000, 3)).to_canonical()
    for variant in (json.dumps(json.loads(line)), line.replace('{"chunks"', '{ "chunks"'), "[]", "{"):
        with pytest.raises(ValueError):
            FileEntry.from_canonical(variant)


def test_construction_checks_chunks_against_the_file():
    digest = digest_bytes(b"hello")
    with pytest.raises(InvalidPath):
        FileEntry("a//b", 5, 0o644, digest, [ChunkRef(digest, 0, 5)])
    with pytest.raises(ValueError, match="contiguous"):
        FileEntry("a", 5, 0o644, digest, [ChunkRef(digest, 1, 5)])
    with pytest.raises(ValueError, match="one chunk"):
        FileEntry("a", 5, 0o644, digest, [ChunkRef(digest_bytes(b"other"), 0, 5)])


def test_mode_keeps_only_executability():
    assert mode_from_stat(stat.S_IFREG | 0o600) == 0o644
    assert mode_from_stat(stat.S_IFREG | 0o744) == 0o755
    assert mode_from_stat(stat.S_IFREG | 0o701) == 0o755


def test_a_trusted_entry_is_the_entry_the_checked_constructor_makes():
    data = b"trusted bytes"
    digest = digest_bytes(data)
    checked = FileEntry("dir/file.bin", len(data), 0o755, digest, [ChunkRef(digest, 0, len(data))])
    trusted = FileEntry.trusted("dir/file.bin", len(data), 0o755, digest, [ChunkRef(digest, 0, len(data))])
    assert trusted == checked
    assert trusted.to_canonical() == checked.to_canonical()
    assert FileEntry.from_canonical(trusted.to_canonical()) == checked
    with pytest.raises(AttributeError):
        trusted.path = "elsewhere"  # type: ignore[misc]
