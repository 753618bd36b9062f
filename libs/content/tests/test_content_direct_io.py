"""Writing and reading files around the page cache (O_DIRECT), or through it where refused."""

from __future__ import annotations

import errno
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamld_content import direct
from kamld_content.direct import ALIGNMENT, BUFFER_BYTES, FileWriter, read_file, unique_name
from kamld_testing.pagecache import PAGE, resident_pages


def write_pieces(path, pieces: list[bytes], *, direct_writes: bool, background: bool = False) -> FileWriter:
    writer = FileWriter(path, direct=direct_writes, background=background)
    for piece in pieces:
        writer.write(piece)
    writer.close()
    return writer


sizes = st.lists(st.integers(min_value=0, max_value=3 * ALIGNMENT + 7), max_size=12) | st.lists(
    st.sampled_from([1, ALIGNMENT - 1, ALIGNMENT, BUFFER_BYTES - 1, BUFFER_BYTES, BUFFER_BYTES + 1]),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(sizes=sizes, direct_writes=st.booleans(), background=st.booleans(), seed=st.integers(0, 1000))
def test_the_file_holds_exactly_what_was_written(tmp_path_factory, sizes, direct_writes, background, seed):
    rng = random.Random(seed)
    pieces = [rng.randbytes(size) for size in sizes]
    path = tmp_path_factory.mktemp("w") / "file"
    write_pieces(path, pieces, direct_writes=direct_writes, background=background)
    assert path.read_bytes() == b"".join(pieces)


class Trickle:
    """A source whose ``readinto`` fills at most ``limit`` bytes a call, as a socket may."""

    def __init__(self, data: bytes, limit: int) -> None:
        self.data, self.limit, self.position = data, limit, 0

    def readinto(self, target: memoryview) -> int:
        taken = self.data[self.position : self.position + min(len(target), self.limit)]
        target[: len(taken)] = taken
        self.position += len(taken)
        return len(taken)


@settings(max_examples=40, deadline=None)
@given(
    sizes=sizes,
    received=st.lists(st.booleans(), min_size=12, max_size=12),
    limit=st.sampled_from([1000, 65536, BUFFER_BYTES]),
    direct_writes=st.booleans(),
    background=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_bytes_received_straight_into_the_buffer_land_in_order_and_are_all_seen(
    tmp_path_factory, sizes, received, limit, direct_writes, background, seed
):
    """Pieces written and pieces received from a trickling source, mixed: the file holds them all."""
    rng = random.Random(seed)
    pieces = [rng.randbytes(size) for size in sizes]
    path = tmp_path_factory.mktemp("r") / "file"
    writer = FileWriter(path, direct=direct_writes, background=background)
    seen = bytearray()
    for piece, take in zip(pieces, received, strict=False):
        if take:
            writer.receive(Trickle(piece, limit).readinto, len(piece), seen.extend)
        else:
            seen += piece
            writer.write(piece)
    writer.close()
    assert path.read_bytes() == bytes(seen) == b"".join(pieces)


@settings(max_examples=40, deadline=None)
@given(
    before=sizes,
    after=sizes,
    back=st.integers(min_value=0, max_value=BUFFER_BYTES + ALIGNMENT),
    direct_writes=st.booleans(),
    background=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_a_writer_taken_back_writes_the_rest_again_from_there(
    tmp_path_factory, before, after, back, direct_writes, background, seed
):
    """Bytes given, a step back (into the buffer, or into blocks already on disk), other bytes on."""
    rng = random.Random(seed)
    given = b"".join(rng.randbytes(size) for size in before)
    path = tmp_path_factory.mktemp("b") / "file"
    writer = FileWriter(path, direct=direct_writes, background=background)
    writer.write(given)
    assert writer.position == len(given)
    point = max(len(given) - back, 0)
    writer.rewind(point)
    rest = [rng.randbytes(size) for size in after]
    for piece in rest:
        writer.write(piece)
    writer.close()
    assert path.read_bytes() == given[:point] + b"".join(rest)


@pytest.mark.parametrize("background", [False, True])
def test_a_writer_taken_back_into_a_block_on_disk_keeps_the_bytes_before_the_point(tmp_path, background):
    given = random.Random(7).randbytes(3 * BUFFER_BYTES // 2 + 100)
    writer = FileWriter(tmp_path / "file", background=background)
    writer.write(given)
    point = BUFFER_BYTES // 2 - 1000  # inside a block already written, not on a block boundary
    writer.rewind(point)
    writer.write(b"new")
    writer.close()
    assert (tmp_path / "file").read_bytes() == given[:point] + b"new"


def test_a_writer_cannot_be_taken_past_what_it_was_given(tmp_path):
    writer = FileWriter(tmp_path / "file")
    writer.write(b"x" * 10)
    with pytest.raises(ValueError, match="10 bytes were given"):
        writer.rewind(11)
    writer.abandon()


@pytest.mark.parametrize("direct_writes", [True, False])
def test_a_source_that_runs_dry_is_reported_and_the_writer_still_closes(tmp_path, direct_writes):
    writer = FileWriter(tmp_path / "file", direct=direct_writes, background=True)
    try:
        writer.receive(Trickle(b"z" * 5000, 4096).readinto, 5100, lambda span: None)
    except EOFError as failure:
        assert "100 bytes short" in str(failure)
        # As a caller cleans up, with the failure's traceback still alive: no view of the
        # buffer is left in it, so the writer's memory can be unmapped.
        writer.abandon()
    else:
        pytest.fail("a source that ran dry went unnoticed")
    assert writer.fileno() == -1


@pytest.mark.parametrize("background", [False, True])
def test_direct_writes_leave_the_bytes_out_of_the_page_cache(tmp_path, background):
    path = tmp_path / "large"
    data = random.Random(1).randbytes(3 * BUFFER_BYTES + 1234)
    pieces = [data[start : start + (1 << 20)] for start in range(0, len(data), 1 << 20)]
    writer = write_pieces(path, pieces, direct_writes=True, background=background)
    if not writer.direct_bytes:
        pytest.skip("this file system refuses O_DIRECT; FileWriter wrote through the page cache")
    # Only the unaligned tail went through the cache: one page, where 24 MiB would be 6,000.
    assert writer.direct_bytes == len(data) - 1234
    assert resident_pages(path) <= 2
    assert path.read_bytes() == data


def test_buffered_writes_leave_the_bytes_in_the_page_cache(tmp_path):
    """The check above can tell the two apart: through the cache, the file stays resident."""
    path = tmp_path / "large"
    data = random.Random(2).randbytes(2 * BUFFER_BYTES)
    write_pieces(path, [data], direct_writes=False)
    assert resident_pages(path) > 2


def test_a_file_system_that_refuses_o_direct_gets_buffered_writes(tmp_path, monkeypatch):
    opened = os.open

    def refusing(path, flags, mode=0o777):
        if flags & os.O_DIRECT:
            raise OSError(errno.EINVAL, "O_DIRECT not supported")
        return opened(path, flags, mode)

    monkeypatch.setattr(direct.os, "open", refusing)
    data = random.Random(3).randbytes(BUFFER_BYTES + 99)
    writer = write_pieces(tmp_path / "file", [data], direct_writes=True)
    assert writer.direct_bytes == 0
    assert (tmp_path / "file").read_bytes() == data


@pytest.mark.parametrize("background", [False, True])
def test_a_device_that_refuses_the_alignment_mid_file_gets_the_rest_through_the_cache(
    tmp_path, monkeypatch, background
):
    written = os.write
    refused: list[int] = []

    def refuse_first_direct_write(fd, data):
        if not refused and direct.fcntl.fcntl(fd, direct.fcntl.F_GETFL) & os.O_DIRECT:
            refused.append(fd)
            raise OSError(errno.EINVAL, "Invalid argument")
        return written(fd, data)

    monkeypatch.setattr(direct.os, "write", refuse_first_direct_write)
    data = random.Random(4).randbytes(2 * BUFFER_BYTES + 5)
    writer = write_pieces(tmp_path / "file", [data], direct_writes=True, background=background)
    if not refused:
        pytest.skip("this file system refuses O_DIRECT; nothing was written directly")
    assert writer.direct_bytes == 0
    assert (tmp_path / "file").read_bytes() == data


def failing_second_write(monkeypatch) -> list[int]:
    """Make the second ``os.write`` of the direct module fail as a full disk would."""
    written = os.write
    calls: list[int] = []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return written(fd, data)

    monkeypatch.setattr(direct.os, "write", write)
    return calls


def test_a_background_write_that_fails_is_raised_to_the_caller_and_nothing_is_lost_silently(
    tmp_path, monkeypatch
):
    failing_second_write(monkeypatch)
    writer = FileWriter(tmp_path / "file", background=True)
    with pytest.raises(OSError) as raised:
        for _ in range(8):
            writer.write(b"x" * (BUFFER_BYTES // 2))
        writer.close()
    assert raised.value.errno == errno.ENOSPC
    writer.abandon()  # what a caller does on an error: the failure is not raised twice
    assert writer.fileno() == -1


def test_abandoning_a_writer_whose_background_write_failed_raises_nothing(tmp_path, monkeypatch):
    calls = failing_second_write(monkeypatch)
    writer = FileWriter(tmp_path / "file", background=True)
    writer.write(b"y" * BUFFER_BYTES)  # two halves: the second write is the failing one
    writer.abandon()
    assert len(calls) == 2


def test_an_abandoned_file_keeps_nothing_buffered_and_its_descriptor_is_closed(tmp_path):
    writer = FileWriter(tmp_path / "file")
    writer.write(b"x" * 100)
    fd = writer.fileno()
    writer.abandon()
    with pytest.raises(OSError):
        os.fstat(fd)
    assert (tmp_path / "file").read_bytes() == b""
    writer.close()  # closing after abandoning is harmless


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "file").write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        FileWriter(tmp_path / "file")
    assert (tmp_path / "file").read_bytes() == b"keep"


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 2 * BUFFER_BYTES + 3 * ALIGNMENT),
    start=st.integers(0, 2 * BUFFER_BYTES + 4 * ALIGNMENT),
    length=st.none() | st.integers(0, BUFFER_BYTES + 2 * ALIGNMENT),
    direct_from=st.sampled_from([0, 1 << 62]),
)
def test_read_file_returns_exactly_the_asked_range(tmp_path_factory, size, start, length, direct_from):
    data = random.Random(size).randbytes(size)
    path = tmp_path_factory.mktemp("r") / "file"
    path.write_bytes(data)
    expected = data[start:] if length is None else data[start : start + length]
    assert read_file(path, start, length, direct_from=direct_from) == expected


def test_a_direct_read_leaves_the_file_out_of_the_page_cache(tmp_path):
    path = tmp_path / "large"
    data = random.Random(5).randbytes(2 * BUFFER_BYTES + 77)
    writer = write_pieces(path, [data], direct_writes=True)
    if not writer.direct_bytes:
        pytest.skip("this file system refuses O_DIRECT")
    assert read_file(path, direct_from=0) == data
    assert resident_pages(path) <= 2


def test_a_file_below_the_direct_threshold_is_read_through_the_cache(tmp_path):
    path = tmp_path / "small"
    data = random.Random(6).randbytes(3 * PAGE)
    writer = write_pieces(path, [data], direct_writes=True)
    if not writer.direct_bytes:
        pytest.skip("this file system refuses O_DIRECT")
    assert resident_pages(path) == 0
    assert read_file(path, direct_from=len(data) + 1) == data
    assert resident_pages(path) == 3


def test_a_file_system_that_refuses_direct_reads_is_read_normally(tmp_path, monkeypatch):
    real = direct.fcntl.fcntl

    def refusing(fd, command, *args):
        if command == direct.fcntl.F_SETFL and args and args[0] & os.O_DIRECT:
            raise OSError(errno.EINVAL, "O_DIRECT not supported")
        return real(fd, command, *args)

    monkeypatch.setattr(direct.fcntl, "fcntl", refusing)
    data = random.Random(7).randbytes(BUFFER_BYTES + 5)
    (tmp_path / "file").write_bytes(data)
    assert read_file(tmp_path / "file", 3, None, direct_from=0) == data[3:]


def test_unique_names_differ_within_a_process_and_carry_a_random_token():
    names = {unique_name(".t-", ".tmp") for _ in range(1000)}
    assert len(names) == 1000
    token = next(iter(names)).split("-")[2]
    assert all(name.startswith(f".t-{os.getpid()}-{token}-") and name.endswith(".tmp") for name in names)


def test_a_short_direct_read_before_the_end_is_finished_the_ordinary_way(tmp_path, monkeypatch):
    if not write_pieces(tmp_path / "probe", [bytes(ALIGNMENT)], direct_writes=True).direct_bytes:
        pytest.skip("this file system refuses O_DIRECT")
    data = random.Random(8).randbytes(3 * BUFFER_BYTES // 2 + 11)
    (tmp_path / "file").write_bytes(data)
    real = os.preadv
    shortened: list[int] = []

    def short_once(fd, buffers, offset):
        if not shortened:
            shortened.append(offset)
            return real(fd, [buffers[0][: ALIGNMENT * 3]], offset)
        return real(fd, buffers, offset)

    monkeypatch.setattr(direct.os, "preadv", short_once)
    assert read_file(tmp_path / "file", 100, None, direct_from=0) == data[100:]
    assert shortened == [0]


def test_a_device_that_refuses_a_direct_read_is_read_the_ordinary_way(tmp_path, monkeypatch):
    data = random.Random(9).randbytes(BUFFER_BYTES + 4097)
    (tmp_path / "file").write_bytes(data)
    real = os.preadv
    refused: list[int] = []

    def refuse_second(fd, buffers, offset):
        if offset and not refused:
            refused.append(offset)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(fd, buffers, offset)

    monkeypatch.setattr(direct.os, "preadv", refuse_second)
    assert read_file(tmp_path / "file", 5, None, direct_from=0) == data[5:]
    if not refused:
        pytest.skip("this file system refuses O_DIRECT; nothing was read directly")


@settings(max_examples=80, deadline=None)
@given(
    parts=st.lists(st.binary(max_size=40), max_size=30),
    most=st.integers(min_value=1, max_value=97),
    iov_max=st.integers(min_value=1, max_value=8),
)
def test_write_parts_writes_every_part_in_order_through_short_writes(tmp_path_factory, parts, most, iov_max):
    """``writev`` may write less than asked; every byte still lands once, in order, in groups of IOV_MAX."""
    real_writev = os.writev
    calls = []
    expected = b"".join(parts)

    def short_writev(fd, buffers):
        calls.append(len(buffers))
        written = real_writev(fd, [memoryview(b"".join(bytes(b) for b in buffers))[:most]])
        assert os.lseek(fd, 0, os.SEEK_CUR) <= len(expected), "wrote more bytes than the parts hold"
        return written

    path = tmp_path_factory.mktemp("parts") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(direct.os, "writev", short_writev)
        patch.setattr(direct, "_IOV_MAX", iov_max)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            direct.write_parts(fd, parts)
        finally:
            os.close(fd)
    assert path.read_bytes() == expected
    assert all(count <= iov_max for count in calls)


def test_write_parts_refuses_a_writev_that_makes_no_progress(tmp_path, monkeypatch):
    monkeypatch.setattr(direct.os, "writev", lambda fd, buffers: 0)
    fd = os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with pytest.raises(OSError):
            direct.write_parts(fd, [b"data"])
    finally:
        os.close(fd)


def test_aligned_buffers_are_reused_and_only_a_few_are_kept():
    pool = direct.AlignedBuffers(size=2 * ALIGNMENT, keep=2)
    with pool.borrowed() as first:
        first[:5] = b"hello"
    with pool.borrowed() as again:
        assert again is first  # reused: its pages are already touched
    with pool.borrowed() as a, pool.borrowed() as b, pool.borrowed() as c, pool.borrowed() as d:
        lent = [a, b, c, d]
        assert len({id(buffer) for buffer in lent}) == 4  # never the same buffer to two borrowers
        assert all(len(buffer) == 2 * ALIGNMENT for buffer in lent)
    assert pool.idle == 2
    assert sum(buffer.closed for buffer in lent) == 2  # the two beyond `keep` were unmapped


def test_a_buffer_comes_back_when_its_borrower_fails():
    pool = direct.AlignedBuffers(size=ALIGNMENT, keep=1)
    with pytest.raises(RuntimeError), pool.borrowed() as buffer:
        raise RuntimeError("the read failed")
    assert pool.idle == 1
    with pool.borrowed() as again:
        assert again is buffer


def test_direct_reads_return_their_buffer_to_the_shared_pool(tmp_path):
    path = tmp_path / "data"
    data = random.Random(11).randbytes(BUFFER_BYTES + 4097)
    path.write_bytes(data)
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_DIRECT))
        reads_directly = True
    except OSError:
        reads_directly = False  # this file system refuses O_DIRECT: read_file needs no buffer
    direct.shared_buffers._idle.clear()
    assert read_file(path, 3, len(data) - 5) == data[3:-2]
    assert direct.shared_buffers.idle == int(reads_directly)  # borrowed, then given back
