"""push_directory / pull_manifest against a real storage-gateway process (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import random
import socket
import threading
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from kamld import transfer
from kamld.bulk import ChunkAnswer, ChunkChannel
from kamld.errors import ConnectionFailed, IntegrityError, KamldClientError, LocalChangesError, NotFound
from kamld.transfer import (
    DEFAULT_LIMITS,
    STATE_DIR,
    Progress,
    TransferLimits,
    download,
    iter_manifest,
    pull_manifest,
    push_directory,
)
from kamld.transfer.push import _Sender
from kamld.transfer.writing import _chunk_groups
from kamld_content.hashing import object_key
from kamld_content.paths import InvalidPath
from kamld_testing.processes import requests_served


def make_tree(root: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    (root / "images" / "cats").mkdir(parents=True)
    (root / "empty.txt").write_bytes(b"")
    (root / "small.csv").write_text("a,b\n1,2\n")
    (root / "images" / "cats" / "tom.bin").write_bytes(rng.randbytes(300_000))
    (root / "images" / "große Datei.bin").write_bytes(rng.randbytes(6 << 20))
    (root / "run.sh").write_text("#!/bin/sh\necho hi\n")
    os.chmod(root / "run.sh", 0o755)


def tree_bytes(root: Path) -> dict[str, tuple[bytes, bool]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), os.access(path, os.X_OK))
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != STATE_DIR
    }


def listed(directory: Path) -> list[Path]:
    """What a directory holds besides its working-copy state."""
    return [path for path in directory.iterdir() if path.name != STATE_DIR]


def test_round_trip_is_byte_identical(any_gateway, tmp_path):
    source, target = tmp_path / "src", tmp_path / "dst"
    make_tree(source)
    with any_gateway.client() as client:
        result = push_directory(client, "", source)
        assert result.file_count == 5
        assert result.total_bytes == sum(len(data) for data, _ in tree_bytes(source).values())
        pulled = pull_manifest(client, "", result.digest, target)
    assert pulled.files_written == 5
    assert tree_bytes(target) == tree_bytes(source)
    assert not [p for p in target.rglob(".kamld-tmp-*")]


def test_temporary_files_of_a_killed_pull_are_not_pushed(gateway, tmp_path):
    source = tmp_path / "src"
    make_tree(source, seed=4)
    with gateway.client() as client:
        clean = push_directory(client, "", source)
        (source / "images" / f"{transfer.TEMP_PREFIX}4242-7").write_bytes(b"half a file")
        with_leftover = push_directory(client, "", source)
    assert with_leftover.digest == clean.digest
    assert with_leftover.file_count == 5


def test_same_content_gives_same_digest_and_sends_nothing_twice(any_gateway, tmp_path):
    source = tmp_path / "src"
    make_tree(source, seed=2)
    with any_gateway.client() as client:
        first = push_directory(client, "", source)
        second = push_directory(client, "", source)
    assert second.digest == first.digest
    assert second.bytes_sent == 0
    assert second.bytes_deduplicated == second.total_bytes


def test_second_push_of_edited_directory_sends_only_changed_chunks(any_gateway, tmp_path):
    source = tmp_path / "src"
    make_tree(source, seed=3)
    with any_gateway.client() as client:
        first = push_directory(client, "", source)
        big = source / "images" / "große Datei.bin"
        data = bytearray(big.read_bytes())
        data[3_000_000:3_000_010] = b"0123456789"
        big.write_bytes(bytes(data))
        (source / "new.txt").write_text("new file")
        second = push_directory(client, "", source)
        assert second.digest != first.digest
        assert 0 < second.bytes_sent < 2 * (4 << 20) + 100
        assert second.bytes_sent < second.total_bytes / 2
        target = tmp_path / "dst"
        pull_manifest(client, "", second.digest, target)
    assert tree_bytes(target) == tree_bytes(source)


def test_interrupted_push_resumes_sending_only_what_is_missing(any_gateway, tmp_path, monkeypatch):
    # Batches well below the data's size, so the interruption lands before everything was sent.
    limits = replace(DEFAULT_LIMITS, upload_batch_bytes=4 << 20)
    source = tmp_path / "src"
    source.mkdir()
    rng = random.Random(4)
    for index in range(12):
        (source / f"part-{index:02}.bin").write_bytes(rng.randbytes(3 << 20))

    class Interrupt(Exception):
        pass

    uploaded: list[int] = []

    def stop_after_first_batches(progress: Progress) -> None:
        if progress.phase == "upload":
            uploaded.append(progress.done)
            if progress.done >= 12 << 20:
                raise Interrupt

    with any_gateway.client() as client:
        with pytest.raises(Interrupt):
            push_directory(
                client, "", source, progress=stop_after_first_batches, concurrency=2, limits=limits
            )
        sent_before = max(uploaded)
        resumed = push_directory(client, "", source, limits=limits)
        assert resumed.bytes_sent > 0
        assert resumed.bytes_sent <= resumed.total_bytes - sent_before
        pull_manifest(client, "", resumed.digest, tmp_path / "dst", limits=limits)
    assert tree_bytes(tmp_path / "dst") == tree_bytes(source)


def test_pull_skips_files_already_present_and_honours_include(gateway, tmp_path):
    source, target = tmp_path / "src", tmp_path / "dst"
    make_tree(source, seed=5)
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        only_csv = pull_manifest(client, "", pushed.digest, target, include=["*.csv"])
        assert only_csv.file_count == 1
        assert list(tree_bytes(target)) == ["small.csv"]
        everything = pull_manifest(client, "", pushed.digest, target)
    assert (everything.files_written, everything.files_skipped) == (4, 1)
    assert tree_bytes(target) == tree_bytes(source)
    with gateway.client() as client:
        again = pull_manifest(client, "", pushed.digest, target)
    assert again.files_skipped == 5
    assert again.bytes_downloaded == 0


def many_small_files(root: Path, count: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    for index in range(count):
        path = root / f"d{index % 7}" / f"f{index:04}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(rng.randint(1, 3000)))


def test_pull_of_many_small_files_reads_their_chunks_in_few_requests(gateway, tmp_path):
    source, target = tmp_path / "src", tmp_path / "dst"
    many_small_files(source, 400)
    uploads_before = requests_served(gateway.url, "/uploads/{upload_id}/chunks", "POST")
    reads_before = requests_served(gateway.url, "/chunks/read", "POST")
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        assert requests_served(gateway.url, "/uploads/{upload_id}/chunks", "POST") - uploads_before == 1
        pulled = pull_manifest(client, "", pushed.digest, target)
    assert pulled.files_written == 400
    assert pulled.bytes_downloaded == pushed.total_bytes
    assert requests_served(gateway.url, "/chunks/read", "POST") - reads_before == 1
    assert tree_bytes(target) == tree_bytes(source)


@pytest.mark.parametrize("creation_waits", [False, True], ids=["fast-creation", "creation-waits"])
def test_small_files_are_written_by_download_threads_once_creating_them_waits(
    gateway, tmp_path, monkeypatch, creation_waits
):
    """One batch written slower than the threshold per file spreads the later ones over the
    download threads; a fast filesystem keeps them on the calling thread. Same files either way."""
    source, target = tmp_path / "src", tmp_path / "dst"
    many_small_files(source, 300, seed=11)
    limits = replace(
        DEFAULT_LIMITS, download_batch_digests=30, slow_file_create_s=0.0 if creation_waits else 3600.0
    )
    writers: list[tuple[str, threading.Thread]] = []
    write_whole = download._write_whole

    def record(target_path: Path, entry, parts) -> None:
        writers.append((entry.path, threading.current_thread()))
        write_whole(target_path, entry, parts)

    monkeypatch.setattr(download, "_write_whole", record)
    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        pulled = pull_manifest(client, "", pushed.digest, target, limits=limits)
    assert pulled.files_written == 300
    assert tree_bytes(target) == tree_bytes(source)
    assert len(writers) == 300
    calling = [path for path, thread in writers if thread is threading.main_thread()]
    if creation_waits:
        # The first batch the calling thread wrote showed the wait; later batches went elsewhere.
        assert 30 <= len(calling) < 300
        assert len({thread for _, thread in writers if thread is not threading.main_thread()}) >= 1
    else:
        assert len(calling) == 300


def test_a_pull_told_the_total_skips_the_summary_request_and_reports_the_same_progress(gateway, tmp_path):
    source = tmp_path / "src"
    make_tree(source, seed=9)
    totals: dict[str, list[Progress]] = {"asked": [], "told": []}
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        summaries = requests_served(gateway.url, "/manifests/{digest}", "GET")
        pull_manifest(client, "", pushed.digest, tmp_path / "asked", progress=totals["asked"].append)
        assert requests_served(gateway.url, "/manifests/{digest}", "GET") - summaries == 1
        pull_manifest(
            client,
            "",
            pushed.digest,
            tmp_path / "told",
            progress=totals["told"].append,
            total_bytes=pushed.total_bytes,
        )
        assert requests_served(gateway.url, "/manifests/{digest}", "GET") - summaries == 1
    for events in totals.values():
        assert {event.total for event in events} == {pushed.total_bytes}
        assert events[-1].done == pushed.total_bytes
    assert tree_bytes(tmp_path / "told") == tree_bytes(source)


def test_a_batch_over_the_servers_limit_is_split_to_it_and_nothing_is_lost(gateway, tmp_path):
    """The gateway fixture takes batches of at most 12 MiB; the client's 16 MiB batches are split."""
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    rng = random.Random(21)
    for index in range(15):
        (source / f"part-{index:02}.bin").write_bytes(rng.randbytes(1 << 20))
    assert DEFAULT_LIMITS.upload_batch_bytes > 12 << 20
    stored_before = requests_served(gateway.url, "/uploads/{upload_id}/chunks", "POST")
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        assert pushed.bytes_sent == pushed.total_bytes == 15 << 20
        pull_manifest(client, "", pushed.digest, target)
    # One 15 MiB batch, refused, then sent as 11 files (11 MiB and their frame headers) and 4.
    assert requests_served(gateway.url, "/uploads/{upload_id}/chunks", "POST") - stored_before == 2
    assert tree_bytes(target) == tree_bytes(source)


def test_batched_reads_respect_the_digest_and_byte_bounds(gateway, tmp_path, monkeypatch):
    source, target = tmp_path / "src", tmp_path / "dst"
    many_small_files(source, 120, seed=7)
    big = random.Random(8).randbytes(5 << 20)
    (source / "big.bin").write_bytes(big)
    limits = replace(DEFAULT_LIMITS, download_batch_digests=25, download_batch_bytes=2 << 20)
    reads: list[list[str]] = []
    fetch, open_read = ChunkChannel.fetch, ChunkChannel.open_read

    def record(channel: ChunkChannel, digests):
        reads.append(list(digests))
        return fetch(channel, digests)

    def record_opened(channel: ChunkChannel, digests):
        reads.append(list(digests))
        return open_read(channel, digests)

    monkeypatch.setattr(ChunkChannel, "fetch", record)
    monkeypatch.setattr(ChunkChannel, "open_read", record_opened)
    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        pulled = pull_manifest(client, "", pushed.digest, target, concurrency=3, limits=limits)
    assert pulled.files_written == 121
    assert tree_bytes(target) == tree_bytes(source)
    assert all(len(digests) <= 25 for digests in reads)
    # 120 one-chunk files in batches of at most 25 digests, and the 5 MiB file in groups of at
    # most 2 MiB of chunks (its chunks are 256 KiB to 4 MiB, so one group per chunk or two).
    assert len(reads) >= 120 // 25 + 2
    assert len(reads) < 120 // 4


@pytest.mark.parametrize("direct_writes", [True, False], ids=["around-the-cache", "through-the-cache"])
def test_large_files_pull_byte_identical_around_or_through_the_page_cache(
    gateway, tmp_path, monkeypatch, direct_writes
):
    """Files over a download batch take the streaming path; odd sizes exercise the unaligned tail."""
    source, target = tmp_path / "src", tmp_path / "dst"
    rng = random.Random(31)
    source.mkdir()
    sizes = {"exact.bin": 12 << 20, "odd.bin": (9 << 20) + 4097, "tiny-tail.bin": (3 << 20) + 1}
    for name, size in sizes.items():
        (source / name).write_bytes(rng.randbytes(size))
    limits = replace(DEFAULT_LIMITS, download_batch_bytes=2 << 20)
    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        pulled = pull_manifest(client, "", pushed.digest, target, direct_writes=direct_writes, limits=limits)
    assert pulled.files_written == 3
    assert tree_bytes(target) == tree_bytes(source)
    assert not list(target.glob(f"{transfer.TEMP_PREFIX}*"))


def test_many_large_files_share_a_small_number_of_open_answers(gateway, tmp_path, monkeypatch):
    """More large files at once than answers allowed open: every file still arrives whole."""
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    rng = random.Random(33)
    for index in range(6):
        (source / f"part-{index}.bin").write_bytes(rng.randbytes((5 << 20) + index))
    limits = replace(DEFAULT_LIMITS, download_batch_bytes=1 << 20, large_file_answers_open=2)
    held = []
    real_slots = download._AnswerSlots

    class CountingSlots(real_slots):
        def __init__(self, answers: int) -> None:
            super().__init__(answers)
            self.taken = 0
            self.lock = threading.Lock()

        def take(self, *, wait: bool) -> bool:
            taken = super().take(wait=wait)
            if taken:
                with self.lock:
                    self.taken += 1
                    held.append(self.taken)
            return taken

        def give(self) -> None:
            with self.lock:
                self.taken -= 1
            super().give()

    monkeypatch.setattr(download, "_AnswerSlots", CountingSlots)
    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        pulled = pull_manifest(client, "", pushed.digest, target, concurrency=4, limits=limits)
    assert pulled.files_written == 6
    assert tree_bytes(target) == tree_bytes(source)
    assert max(held) == 2


def test_a_large_file_pull_holds_no_group_of_chunks_in_memory(gateway, tmp_path, monkeypatch):
    """Chunks go from the socket into the file writer's buffer: Python memory stays far below a group."""
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    rng = random.Random(34)
    for index in range(3):
        (source / f"part-{index}.bin").write_bytes(rng.randbytes(24 << 20))
    assert DEFAULT_LIMITS.download_batch_bytes == 16 << 20
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        tracemalloc.start()
        try:
            pull_manifest(client, "", pushed.digest, target, concurrency=3)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert tree_bytes(target) == tree_bytes(source)
    # Holding one group of one file would take 16 MiB; the chunks of a group are up to 8 MiB.
    assert peak < 4 << 20


def test_a_chunk_recurring_within_a_group_is_written_at_each_place(gateway, tmp_path, monkeypatch):
    """storage-gateway sends each distinct chunk of a read once; the file needs it twice."""
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    # Periodic content cuts into equal chunks once the chunker is in step with the period.
    block = random.Random(35).randbytes(64 << 10)
    (source / "repeats.bin").write_bytes(block * 384 + b"tail")
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        (entry,) = transfer.iter_manifest(client, "", pushed.digest)
        groups = [[ref.digest for ref in group] for group in _chunk_groups(entry.chunks, DEFAULT_LIMITS)]
        assert any(len(set(group)) < len(group) for group in groups), "no chunk recurs within a group"
        pulled = pull_manifest(client, "", pushed.digest, target)
    assert pulled.files_written == 1
    assert tree_bytes(target) == tree_bytes(source)


def test_a_large_file_damaged_in_transit_is_refused_and_leaves_nothing(gateway, tmp_path, monkeypatch):
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    (source / "big.bin").write_bytes(random.Random(32).randbytes((6 << 20) + 10))
    limits = replace(DEFAULT_LIMITS, download_batch_bytes=2 << 20)
    readinto = ChunkAnswer.readinto
    reads = []

    def damage_the_third_read(answer: ChunkAnswer, view: memoryview) -> int:
        count = readinto(answer, view)
        reads.append(count)
        if len(reads) == 3:
            view[0] ^= 1
        return count

    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        monkeypatch.setattr(ChunkAnswer, "readinto", damage_the_third_read)
        with pytest.raises(IntegrityError) as refused:
            pull_manifest(client, "", pushed.digest, target, limits=limits)
    assert refused.value.code == "corrupt_file"
    assert listed(target) == []


def dropping_reads(monkeypatch, *, drop_at: set[int]) -> list[int]:
    """``ChunkAnswer.readinto`` whose calls numbered in ``drop_at`` receive their bytes and then
    lose the connection, as a network that drops partway through a chunk."""
    readinto = ChunkAnswer.readinto
    calls: list[int] = []

    def flaky(answer: ChunkAnswer, view: memoryview) -> int:
        count = readinto(answer, view)
        calls.append(count)
        if len(calls) in drop_at:
            raise ConnectionFailed("lost the connection (injected)", code="connection_failed")
        return count

    monkeypatch.setattr(ChunkAnswer, "readinto", flaky)
    return calls


@pytest.mark.parametrize("direct_writes", [True, False], ids=["around-the-cache", "through-the-cache"])
def test_a_large_file_whose_connection_drops_midway_resumes_the_group_where_it_broke(
    gateway, tmp_path, monkeypatch, direct_writes
):
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    (source / "big.bin").write_bytes(random.Random(37).randbytes((13 << 20) + 77))
    limits = replace(DEFAULT_LIMITS, download_batch_bytes=2 << 20)
    asked: list[list[str]] = []
    open_read = ChunkChannel.open_read

    def record(channel: ChunkChannel, digests):
        asked.append(list(digests))
        return open_read(channel, digests)

    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        (entry,) = transfer.iter_manifest(client, "", pushed.digest)
        groups = list(_chunk_groups(entry.chunks, limits))
        monkeypatch.setattr(ChunkChannel, "open_read", record)
        # The third read, and the eighth and ninth: twice in a row, the second on the retry.
        reads = dropping_reads(monkeypatch, drop_at={3, 8, 9})
        pulled = pull_manifest(client, "", pushed.digest, target, direct_writes=direct_writes, limits=limits)
    assert len(reads) > 9
    assert pulled.files_written == 1
    assert tree_bytes(target) == tree_bytes(source)
    # Three drops, three more answers; each asked for what was left of one group from the chunk
    # it broke in (a suffix of the group's chunks), never for the group's chunks before it.
    in_groups = [[ref.digest for ref in group] for group in groups]
    assert len(asked) == len(groups) + 3
    assert all(any(digests == group[-len(digests) :] for group in in_groups) for digests in asked)


def one_large_file(tmp_path: Path, *, size: int, seed: int) -> tuple[Path, Path, TransferLimits]:
    """A source holding one file of ``size`` random bytes, a target, and limits that make it large."""
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    (source / "big.bin").write_bytes(random.Random(seed).randbytes(size))
    return source, target, replace(DEFAULT_LIMITS, download_batch_bytes=2 << 20)


def test_a_connection_that_keeps_dropping_fails_the_pull_and_leaves_nothing(gateway, tmp_path, monkeypatch):
    source, target, limits = one_large_file(tmp_path, size=6 << 20, seed=38)
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        dropping_reads(monkeypatch, drop_at=set(range(1, 1000)))
        with pytest.raises(ConnectionFailed):
            pull_manifest(client, "", pushed.digest, target, limits=limits)
    assert listed(target) == []


def test_a_chunk_damaged_in_the_store_is_named_after_the_retries_and_leaves_nothing(
    gateway, tmp_path, monkeypatch
):
    """storage-gateway ends its answer before a chunk that fails verification; every retry breaks
    off at the same chunk, and the error says which one and where to look."""
    source, target, limits = one_large_file(tmp_path, size=12 << 20, seed=51)
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        entry = next(iter_manifest(client, "", pushed.digest))
        # The last chunk: storage-gateway reads a few MiB ahead, so its answer has begun by then.
        damaged = entry.chunks[-1].digest
        stored = next(gateway.home.rglob(object_key(damaged).rsplit("/", 1)[1]))
        stored.chmod(0o644)
        content = stored.read_bytes()
        stored.write_bytes(content[:-1] + bytes([content[-1] ^ 1]))
        try:
            with pytest.raises(ConnectionFailed, match=f"broke off at chunk {damaged} 3 times"):
                pull_manifest(client, "", pushed.digest, target, limits=limits)
        finally:
            stored.write_bytes(content)
    assert listed(target) == []


def test_a_large_file_answered_out_of_order_is_refused_and_leaves_nothing(gateway, tmp_path, monkeypatch):
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    (source / "big.bin").write_bytes(random.Random(36).randbytes(6 << 20))
    limits = replace(DEFAULT_LIMITS, download_batch_bytes=4 << 20)
    open_read = ChunkChannel.open_read

    def reversed_read(channel: ChunkChannel, digests):
        return open_read(channel, list(reversed(digests)))

    with gateway.client() as client:
        pushed = push_directory(client, "", source, limits=limits)
        (entry,) = transfer.iter_manifest(client, "", pushed.digest)
        assert len(entry.chunks) > 2
        monkeypatch.setattr(ChunkChannel, "open_read", reversed_read)
        with pytest.raises(IntegrityError) as refused:
            pull_manifest(client, "", pushed.digest, target, limits=limits)
    assert refused.value.code == "unexpected_chunk"
    assert "expected chunk" in str(refused.value)
    assert listed(target) == []


def test_pull_into_a_tree_with_a_folder_where_a_file_goes_is_refused_before_writing(gateway, tmp_path):
    source, target = tmp_path / "src", tmp_path / "dst"
    many_small_files(source, 20, seed=9)
    (target / "d0" / "f0000.bin").mkdir(parents=True)
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        with pytest.raises(LocalChangesError) as clash:
            pull_manifest(client, "", pushed.digest, target, force=True)
    assert [path for path, _ in clash.value.conflicts] == ["d0/f0000.bin"]
    assert [p.relative_to(target).as_posix() for p in target.rglob("*")] == ["d0", "d0/f0000.bin"]


@pytest.mark.parametrize(
    "change",
    [
        # Same size, other bytes: only storage-gateway's check of every chunk can notice.
        pytest.param(lambda path: path.write_bytes(random.Random(11).randbytes(3 << 20)), id="rewritten"),
        # Shorter: the read-back of a chunk comes up short.
        pytest.param(lambda path: path.write_bytes(b"shorter now"), id="cut-short"),
    ],
)
def test_a_file_changed_during_a_push_is_named_and_nothing_is_committed(gateway, tmp_path, change):
    source = tmp_path / "src"
    source.mkdir()
    victim = source / "big.bin"
    victim.write_bytes(random.Random(10).randbytes(3 << 20))

    def change_once_scanned(progress: Progress) -> None:
        if progress.phase == "scan" and progress.done == progress.total:
            change(victim)

    with gateway.client() as client:
        with pytest.raises(KamldClientError) as caught:
            push_directory(client, "", source, progress=change_once_scanned)
    assert caught.value.code == "content_changed"
    assert str(victim) in str(caught.value)


def test_a_channel_whose_storage_gateway_cannot_be_reached_falls_back(gateway, tmp_path):
    source = tmp_path / "src"
    many_small_files(source, 30, seed=12)
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        digests = [
            chunk[0]
            for item in client.get(f"/manifests/{pushed.digest}/files").json()["items"]
            for chunk in item["chunks"]
        ]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        unreachable = ChunkChannel(
            f"http://127.0.0.1:{closed_port}", {}, fallback=ChunkChannel.beside(client, "")
        )
        with unreachable:
            fetched = unreachable.fetch(digests)
    assert set(fetched) == set(digests)
    assert unreachable.base_url == str(client.base_url).rstrip("/")


def test_channel_errors_are_the_typed_problems_of_the_api(gateway):
    with gateway.client() as client, ChunkChannel.beside(client, "") as channel:
        with pytest.raises(NotFound) as caught:
            channel.fetch(["blake3:" + "0" * 64])
    assert caught.value.status == 404
    assert caught.value.code == "chunk_not_found"


def test_a_large_file_is_sent_while_it_is_still_being_cut(gateway, tmp_path, monkeypatch):
    source, target = tmp_path / "src", tmp_path / "dst"
    many_small_files(source, 10, seed=13)
    (source / "m").mkdir()
    (source / "m" / "big.bin").write_bytes(random.Random(14).randbytes(9 << 20))
    limits = replace(DEFAULT_LIMITS, stream_above_bytes=1 << 20, stream_group_bytes=2 << 20)
    scanned: list[int] = []
    scanned_at_submit: list[int] = []
    submit = _Sender.submit

    def record_submit(sender, group):
        scanned_at_submit.append(scanned[-1])
        return submit(sender, group)

    def remember(progress: Progress) -> None:
        if progress.phase == "scan":
            scanned.append(progress.done)

    monkeypatch.setattr(_Sender, "submit", record_submit)
    with gateway.client() as client:
        pushed = push_directory(client, "", source, progress=remember, limits=limits)
        pulled = pull_manifest(client, "", pushed.digest, target, limits=limits)
        again = push_directory(client, "", source, limits=limits)
    assert pulled.files_written == 11
    assert tree_bytes(target) == tree_bytes(source)
    assert again.digest == pushed.digest and again.bytes_sent == 0
    # Chunks of the big file were queued for sending before its last bytes were cut.
    small = pushed.total_bytes - (9 << 20)
    assert len([done for done in scanned_at_submit if small < done < pushed.total_bytes]) >= 2


def test_windows_in_directory_order_commit_the_same_sorted_manifest(gateway, tmp_path, monkeypatch):
    """The walk feeds the scan as it reads directories, in no order; the commit is still sorted."""
    source = tmp_path / "src"
    many_small_files(source, 60)
    make_tree(source / "zz", seed=5)
    seen: list[Progress] = []
    with gateway.client() as client:
        whole = push_directory(client, "", source)
        limits = replace(DEFAULT_LIMITS, scan_window_files=7)
        windows_before = requests_served(gateway.url, "/uploads/{upload_id}/missing", "POST")
        windowed = push_directory(client, "", source, progress=seen.append, limits=limits)
        asked = requests_served(gateway.url, "/uploads/{upload_id}/missing", "POST") - windows_before
    assert windowed.digest == whole.digest
    assert windowed.file_count == whole.file_count == 65
    assert asked >= 65 // 7
    scans = [item for item in seen if item.phase == "scan"]
    assert scans[-1].done == scans[-1].total == whole.total_bytes


def test_a_walk_that_fails_reports_its_error_and_commits_nothing(gateway, tmp_path):
    source = tmp_path / "src"
    many_small_files(source, 30)
    (tmp_path / "outside.txt").write_text("not part of the version")
    (source / "d3" / "escape").symlink_to(tmp_path / "outside.txt")
    commits_before = requests_served(gateway.url, "/uploads/{upload_id}/commit", "POST")
    with gateway.client() as client, pytest.raises(InvalidPath, match="outside the pushed directory"):
        push_directory(client, "", source)
    assert requests_served(gateway.url, "/uploads/{upload_id}/commit", "POST") == commits_before


def test_an_empty_directory_pushes_as_an_empty_version_and_pulls_back(gateway, tmp_path):
    """No window is ever scanned, so the session opened beside the walk is first used by the commit."""
    source, target = tmp_path / "src", tmp_path / "dst"
    source.mkdir()
    with gateway.client() as client:
        pushed = push_directory(client, "", source)
        pulled = pull_manifest(client, "", pushed.digest, target)
    assert (pushed.file_count, pushed.total_bytes, pushed.bytes_sent) == (0, 0, 0)
    assert pulled.file_count == pulled.files_written == 0
    assert target.is_dir() and not listed(target)


def test_a_session_that_cannot_be_opened_fails_the_push_with_the_servers_answer(gateway, tmp_path):
    """The session is opened on another thread while the tree is read; its failure is the push's."""
    source = tmp_path / "src"
    many_small_files(source, 30)
    with gateway.client() as client, pytest.raises(NotFound):
        push_directory(client, "/no-such-prefix", source)


def test_the_deduplicated_count_follows_the_servers_answers(gateway, tmp_path, monkeypatch):
    """Deduplicated bytes are counted once the server has said which chunks it has: never ahead."""
    limits = replace(DEFAULT_LIMITS, scan_window_files=2)  # several windows, several answers
    source = tmp_path / "src"
    (source / "images").mkdir(parents=True)
    # Content no other test pushed to this gateway (make_tree's small files are the same in every tree).
    files = [("a.txt", 20_000), ("d.txt", 1_000), ("e.txt", 7_000), ("images/b.bin", 300_000)]
    for name, size in [*files, ("images/c.bin", 6 << 20)]:
        (source / name).write_bytes(os.urandom(size))
    first: list[Progress] = []
    with gateway.client() as client:
        pushed = push_directory(client, "", source, progress=first.append, limits=limits)
        counted = [event for event in first if event.phase == "deduplicated"]
        # New content: every checked byte is to be sent, at every moment of the push.
        assert len(counted) >= 3
        assert all(event.done == 0 for event in counted)
        assert counted[-1].total == pushed.total_bytes

        (source / "copy.bin").write_bytes((source / "images" / "c.bin").read_bytes())
        (source / "new.txt").write_bytes(random.Random(12).randbytes(50_000))
        second: list[Progress] = []
        again = push_directory(client, "", source, progress=second.append, limits=limits)
    counted = [event for event in second if event.phase == "deduplicated"]
    assert [event.done for event in counted] == sorted(event.done for event in counted)
    assert [event.total for event in counted] == sorted(event.total for event in counted)
    assert all(0 <= event.done <= event.total for event in counted)
    assert counted[-1].total == again.total_bytes
    assert counted[-1].done == again.bytes_deduplicated == again.total_bytes - 50_000
