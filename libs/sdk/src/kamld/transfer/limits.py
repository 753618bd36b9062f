"""How a transfer sizes its batches, windows and threads: one object, passed to every step.

The defaults are the measured best on a local platform; tests pass smaller ones to make a few
megabytes behave like a large transfer (``dataclasses.replace(DEFAULT_LIMITS, ...)``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TransferLimits:
    # Digests asked about in one "which are missing?" question.
    missing_batch: int = 10_000
    # Each batch costs storage-gateway a request, a database transaction and two syncfs calls, so
    # larger batches push faster, up to about 16 MiB; storage-gateway holds each batch it receives
    # whole, so 16 MiB also bounds its memory.
    upload_batch_bytes: int = 16 << 20
    # Chunk batches queued or being sent at once. A large file's chunks are read back as they are
    # sent, but a small file's bytes are held from its scan until sent: at most 128 MiB of those.
    in_flight_batches: int = 12
    in_flight_held_bytes: int = 128 << 20
    # Files scanned between two questions to the server (and held, if small, until sent).
    scan_window_files: int = 2000
    scan_window_bytes: int = 64 << 20
    # Small files scanned by one thread-pool task (one task per file would cost about as much as
    # reading it).
    scan_group_files: int = 32
    scan_group_bytes: int = 4 << 20
    # Scanning small files is mostly Python work under the GIL, so more threads only contend for it;
    # two keep a read going while one hashes.
    scan_threads: int = 2
    # A file larger than this is cut and sent at once: each group of its chunks is asked about and
    # queued for sending while the next is cut, instead of after the whole file is hashed.
    stream_above_bytes: int = 32 << 20
    stream_group_bytes: int = 32 << 20
    # One batched read of chunks: at most this many bytes and digests; a larger file streams.
    download_batch_bytes: int = 16 << 20
    download_batch_digests: int = 1000
    # A small file written in more than this (wall time, on the pull's writing thread) means that
    # creating files waits (a networked filesystem) or is slow in the kernel, not in Python: small
    # files are then written by the download threads, several at once. The threshold sits well
    # above what a local disk takes and below what a file system that waits on each creation does.
    slow_file_create_s: float = 250e-6
    # A large file's groups asked for while an earlier one is read. With storage-gateway reading its
    # chunk files from disk (local_direct_io), two in flight keep its disk busy; one leaves it idle
    # between groups.
    large_file_ahead: int = 2
    # Answers to large files' groups open at once in a whole pull: 4 files get their full depth, and
    # 8 large files at once (the pull's concurrency) still get one each and a few ahead.
    large_file_answers_open: int = 12
    # Files per page of a manifest listing.
    list_page: int = 1000
    # Bytes of NDJSON sent to the commit at once.
    commit_block_bytes: int = 256 << 10


DEFAULT_LIMITS = TransferLimits()
