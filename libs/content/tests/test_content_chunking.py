import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamld_content.chunking import (
    DEFAULT_PARAMS,
    ChunkingParams,
    ContentChanged,
    FileScan,
    chunk_bytes,
    chunk_file,
    chunk_stream,
    iter_file_chunks,
    read_chunk,
    scan_file,
)
from kamld_content.hashing import digest_bytes


def reassemble(data: bytes, result) -> bytes:
    return b"".join(data[c.offset : c.offset + c.size] for c in result.chunks)


def test_chunks_cover_the_input_contiguously_and_carry_their_digests(random_bytes, small_params):
    data = random_bytes(200_000, 1)
    result = chunk_bytes(data, small_params)
    assert result.size == len(data)
    assert result.file_digest == digest_bytes(data)
    assert len(result.chunks) > 20
    offset = 0
    for chunk in result.chunks:
        assert chunk.offset == offset
        assert small_params.min_size <= chunk.size <= small_params.max_size or chunk is result.chunks[-1]
        assert chunk.digest == digest_bytes(data[chunk.offset : chunk.offset + chunk.size])
        offset += chunk.size
    assert offset == len(data)
    assert reassemble(data, result) == data


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=20_000))
def test_reassembly_equals_the_original_for_any_input(data):
    params = ChunkingParams(min_size=64, avg_size=256, max_size=1024)
    result = chunk_bytes(data, params)
    assert reassemble(data, result) == data
    assert chunk_stream(io.BytesIO(data), params) == result


def test_an_insert_in_the_middle_changes_only_nearby_chunks(random_bytes, small_params):
    data = random_bytes(400_000, 2)
    edited = data[:200_000] + b"a few inserted bytes" + data[200_000:]
    before = chunk_bytes(data, small_params)
    after = chunk_bytes(edited, small_params)
    old = {c.digest for c in before.chunks}
    new = [c for c in after.chunks if c.digest not in old]
    assert 1 <= len(new) <= 3
    assert all(abs(c.offset - 200_000) <= 3 * small_params.max_size for c in new)
    assert sum(c.size for c in new) < 3 * small_params.max_size


def test_chunk_boundaries_are_shift_invariant(random_bytes, small_params):
    """Prepending bytes moves the later cut points with the content, not with the offsets."""
    data = random_bytes(100_000, 3)
    plain = chunk_bytes(data, small_params)
    shifted = chunk_bytes(random_bytes(3_333, 4) + data, small_params)
    common = {c.digest for c in plain.chunks} & {c.digest for c in shifted.chunks}
    assert len(common) >= len(plain.chunks) - 2


def test_file_stream_and_bytes_chunk_identically(tmp_path, random_bytes):
    data = random_bytes(9 * 1024 * 1024 + 17, 5)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    from_file = chunk_file(path)
    assert from_file == chunk_bytes(data)
    assert len(from_file.chunks) > 2
    assert max(c.size for c in from_file.chunks) <= DEFAULT_PARAMS.max_size
    pieces = list(iter_file_chunks(path))
    assert [ref for ref, _ in pieces] == from_file.chunks
    assert b"".join(piece for _, piece in pieces) == data


def test_small_files_stay_one_chunk_named_by_the_file_digest(random_bytes):
    data = random_bytes(DEFAULT_PARAMS.whole_below, 6)
    result = chunk_bytes(data)
    assert len(result.chunks) == 1
    assert result.chunks[0].digest == result.file_digest
    assert result.chunks[0].size == len(data)


@pytest.mark.parametrize(
    "size",
    [1, 4096, DEFAULT_PARAMS.whole_below - 1, DEFAULT_PARAMS.whole_below, DEFAULT_PARAMS.whole_below + 1],
)
def test_file_at_the_whole_chunk_bound_chunks_as_the_streaming_chunker_does(tmp_path, random_bytes, size):
    data = random_bytes(size, 8)
    path = tmp_path / "edge.bin"
    path.write_bytes(data)
    assert chunk_file(path) == chunk_stream(io.BytesIO(data)) == chunk_bytes(data)


WHOLE = DEFAULT_PARAMS.whole_below


@pytest.mark.parametrize("actual", [0, 10, WHOLE, WHOLE + 1, 600_000])
@pytest.mark.parametrize("listed", [0, 9, 10, 11, WHOLE, WHOLE + 1])
def test_a_listed_size_that_is_out_of_date_changes_nothing_scanned(tmp_path, random_bytes, actual, listed):
    """The size a walk saw may be stale by the time the file is read: what is read decides.

    A file listed as too large to keep whole is read back when sent, whatever it holds now.
    """
    data = random_bytes(actual, 9)
    path = tmp_path / "changed.bin"
    path.write_bytes(data)
    chunks, kept = scan_file(path, size=listed)
    assert chunks == scan_file(path)[0] == chunk_bytes(data)
    assert kept == (data if actual <= WHOLE and listed <= WHOLE else None)


def test_empty_input_has_no_chunks(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    result = chunk_file(tmp_path / "empty")
    assert result.size == 0
    assert result.chunks == []
    assert result.file_digest == digest_bytes(b"")
    assert chunk_bytes(b"") == result


def test_read_chunk_returns_verified_bytes_and_detects_changes(tmp_path, random_bytes, small_params):
    data = random_bytes(50_000, 7)
    path = tmp_path / "f"
    path.write_bytes(data)
    result = chunk_file(path, small_params)
    ref = result.chunks[3]
    assert read_chunk(path, ref) == data[ref.offset : ref.offset + ref.size]
    path.write_bytes(data[: ref.offset] + b"X" + data[ref.offset + 1 :])
    with pytest.raises(ContentChanged):
        read_chunk(path, ref)


@pytest.mark.parametrize(("low", "avg", "high"), [(32, 256, 1024), (512, 256, 1024), (64, 2048, 1024)])
def test_params_must_be_ordered_and_in_range(low, avg, high):
    with pytest.raises(ValueError):
        ChunkingParams(min_size=low, avg_size=avg, max_size=high)


def test_a_file_scanned_progressively_gives_what_chunk_file_gives(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(random.Random(5).randbytes(5 << 20))
    scan = FileScan(path)
    with pytest.raises(RuntimeError):
        scan.result()
    refs = list(scan)
    assert scan.result() == chunk_file(path)
    assert refs == scan.result().chunks
