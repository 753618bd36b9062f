"""The chunk batch framing: any split of a batch decodes to the same frames; bad batches are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamld_content.framing import (
    ChunkPieces,
    FrameReader,
    FramingError,
    decode_frames,
    encode_frame,
    frame_header,
    frame_headers,
    frame_length,
    read_frames,
)
from kamld_content.hashing import Hasher, digest_bytes

blobs = st.lists(st.binary(max_size=3000), max_size=8)


def batch_of(items: list[bytes]) -> tuple[list[tuple[str, bytes]], bytes]:
    frames = [(digest_bytes(blob), blob) for blob in items]
    return frames, b"".join(encode_frame(digest, blob) for digest, blob in frames)


@given(items=blobs, cuts=st.lists(st.integers(min_value=0, max_value=30_000), max_size=12))
def test_any_split_of_a_batch_decodes_to_its_frames(items: list[bytes], cuts: list[int]) -> None:
    frames, body = batch_of(items)
    points = sorted({min(cut, len(body)) for cut in cuts} | {0, len(body)})
    reader = FrameReader()
    decoded = [frame for a, b in zip(points, points[1:], strict=False) for frame in reader.feed(body[a:b])]
    reader.close()
    assert decoded == frames


@given(items=blobs, cuts=st.lists(st.integers(min_value=0, max_value=30_000), max_size=12))
def test_unjoined_chunks_keep_their_pieces_and_hash_as_a_whole(items: list[bytes], cuts: list[int]) -> None:
    frames, body = batch_of(items)
    points = sorted({min(cut, len(body)) for cut in cuts} | {0, len(body)})
    reader = FrameReader(join=False)
    decoded = [frame for a, b in zip(points, points[1:], strict=False) for frame in reader.feed(body[a:b])]
    reader.close()
    assert [(digest, bytes(data)) for digest, data in decoded] == frames
    for digest, data in decoded:
        if isinstance(data, ChunkPieces):
            assert len(data.parts) > 1
            assert len(data) == sum(len(part) for part in data.parts)
            hasher = Hasher()
            for part in data.parts:
                hasher.update(part)
            assert hasher.digest() == digest
        else:
            assert isinstance(data, bytes)


@given(items=blobs)
def test_header_and_chunk_fed_apart_decode_without_copying_the_chunk(items: list[bytes]) -> None:
    reader = FrameReader()
    for blob in items:
        digest = digest_bytes(blob)
        assert list(reader.feed(frame_header(digest, len(blob)))) == ([(digest, b"")] if not blob else [])
        if blob:
            ((got_digest, got),) = list(reader.feed(blob))
            assert got_digest == digest
            assert got is blob
    reader.close()


def test_a_chunk_fed_with_more_bytes_than_its_frame_is_split_correctly() -> None:
    first, second = b"a" * 100, b"b" * 50
    reader = FrameReader()
    assert list(reader.feed(frame_header(digest_bytes(first), len(first)))) == []
    body = first + encode_frame(digest_bytes(second), second)
    assert list(reader.feed(body)) == [(digest_bytes(first), first), (digest_bytes(second), second)]
    reader.close()


def test_malformed_batches_are_refused() -> None:
    good = encode_frame(digest_bytes(b"x"), b"x")
    with pytest.raises(FramingError, match="ends inside a frame"):
        decode_frames(good[:-1])
    with pytest.raises(FramingError, match="empty digest"):
        decode_frames(b"\x00" + good)
    with pytest.raises(FramingError, match="exceeds the limit"):
        decode_frames(encode_frame(digest_bytes(b"xyz"), b"xyz"), max_frame_bytes=2)
    with pytest.raises(FramingError, match="not ASCII"):
        decode_frames(bytes([2]) + "é".encode() + (0).to_bytes(8, "big"))


def test_a_chunk_split_across_pieces_is_not_joined_when_asked_not_to() -> None:
    blob = bytes(range(256)) * 40
    body = encode_frame(digest_bytes(blob), blob)
    reader = FrameReader(join=False)
    assert list(reader.feed(body[:3000])) == []
    ((digest, data),) = list(reader.feed(body[3000:]))
    reader.close()
    assert isinstance(data, ChunkPieces) and len(data.parts) == 2
    assert digest == digest_bytes(blob) and bytes(data) == blob


class ShortReads:
    """A stream whose ``read(n)`` returns at most ``limit`` bytes (what a socket may do)."""

    def __init__(self, body: bytes, limit: int) -> None:
        self.body, self.limit, self.position, self.calls = body, limit, 0, 0

    def read(self, count: int) -> bytes:
        self.calls += 1
        taken = self.body[self.position : self.position + min(count, self.limit)]
        self.position += len(taken)
        return taken


@given(items=blobs, limit=st.integers(min_value=1, max_value=5000))
def test_frames_read_by_exact_sizes_decode_to_the_batch(items: list[bytes], limit: int) -> None:
    frames, body = batch_of(items)
    assert list(read_frames(ShortReads(body, limit).read)) == frames


def test_a_chunk_is_read_with_one_call_for_its_whole_size() -> None:
    blob = bytes(range(256)) * 4096
    stream = ShortReads(encode_frame(digest_bytes(blob), blob), limit=1 << 30)
    ((digest, data),) = read_frames(stream.read)
    assert digest == digest_bytes(blob) and data == blob
    assert stream.calls == 4  # the name length, the name and size, the chunk, the end


def test_frames_read_by_size_refuse_malformed_batches() -> None:
    good = encode_frame(digest_bytes(b"xy"), b"xy")
    with pytest.raises(FramingError, match="ends inside a frame"):
        list(read_frames(ShortReads(good[:-1], 100).read))
    with pytest.raises(FramingError, match="ends inside a frame"):
        list(read_frames(ShortReads(good[:5], 100).read))
    with pytest.raises(FramingError, match="empty digest"):
        list(read_frames(ShortReads(b"\x00" + good, 100).read))
    with pytest.raises(FramingError, match="not ASCII"):
        list(read_frames(ShortReads(bytes([2]) + "é".encode() + (0).to_bytes(8, "big"), 100).read))


@given(
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=255),
    st.integers(0, 1 << 40),
)
def test_a_frame_length_counts_what_its_header_and_chunk_take(digest: str, size: int) -> None:
    assert frame_length(digest, size) == len(frame_header(digest, size)) + size


class ShortReadsInto(ShortReads):
    """The same stream with ``readinto``, filling at most ``limit`` bytes a call."""

    def readinto(self, target: memoryview) -> int:
        taken = self.read(len(target))
        target[: len(taken)] = taken
        return len(taken)


def headers_then_bytes(stream: ShortReadsInto) -> list[tuple[str, bytes]]:
    """Frames taken as a reader into memory of its own does: a header, then the chunk's bytes."""
    frames = []
    for digest, size in frame_headers(stream.read):
        target = bytearray(size)
        view, got = memoryview(target), 0
        while got < size:
            count = stream.readinto(view[got:])
            assert count, "the stream ended inside a chunk"
            got += count
        frames.append((digest, bytes(target)))
    return frames


@given(items=blobs, limit=st.integers(min_value=1, max_value=5000))
def test_frame_headers_leave_each_chunk_to_the_reader(items: list[bytes], limit: int) -> None:
    frames, body = batch_of(items)
    assert headers_then_bytes(ShortReadsInto(body, limit)) == frames


def test_frame_headers_refuse_malformed_batches() -> None:
    good = encode_frame(digest_bytes(b"xy"), b"xy")
    with pytest.raises(FramingError, match="ends inside a frame"):
        list(frame_headers(ShortReads(good[:5], 100).read))
    with pytest.raises(FramingError, match="empty digest"):
        list(frame_headers(ShortReads(b"\x00" + good, 100).read))
