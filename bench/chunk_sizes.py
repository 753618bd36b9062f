"""Measure chunking throughput and deduplication for a few FastCDC size choices.

Run: ``python bench/chunk_sizes.py [--big-mib 256] [--csv-mib 64]``. Scenarios:

* a random binary file, then the same file with 1 MiB overwritten in the middle, and with 1 MiB
  inserted in the middle;
* a CSV file, then the same file with 1% more rows appended.

"new bytes" is what a push of the second version uploads: the bytes of chunks the first version
does not have. Throughput is ``chunk_file`` on a file in the page cache (chunking + digests).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

import blake3

from kamld_content.chunking import ChunkingParams, FileChunks, chunk_file

MIB = 1024 * 1024
CANDIDATES = [
    ChunkingParams(min_size=16 * 1024, avg_size=64 * 1024, max_size=256 * 1024),
    ChunkingParams(min_size=64 * 1024, avg_size=256 * 1024, max_size=1 * MIB),
    ChunkingParams(min_size=256 * 1024, avg_size=1 * MIB, max_size=4 * MIB),
    ChunkingParams(min_size=1 * MIB, avg_size=4 * MIB, max_size=16 * MIB),
]


def pseudo_random(size: int, seed: int) -> bytes:
    """Deterministic incompressible bytes (BLAKE3 in extendable-output mode)."""
    return blake3.blake3(seed.to_bytes(8, "little")).digest(length=size)


def write_random(path: Path, size: int, seed: int) -> bytes:
    data = pseudo_random(size, seed)
    path.write_bytes(data)
    return data


def csv_rows(rng: random.Random, count: int, start: int) -> bytes:
    lines = [
        f"{start + i},{rng.random():.6f},{rng.randint(0, 10**6)},"
        f"label_{rng.randint(0, 99)},{rng.gauss(0, 1):.5f}\n"
        for i in range(count)
    ]
    return "".join(lines).encode()


def new_bytes(before: FileChunks, after: FileChunks) -> int:
    known = {c.digest for c in before.chunks}
    fresh: dict[str, int] = {}
    for c in after.chunks:
        if c.digest not in known:
            fresh[c.digest] = c.size
    return sum(fresh.values())


def timed_chunk(path: Path, params: ChunkingParams) -> tuple[FileChunks, float]:
    start = time.perf_counter()
    result = chunk_file(path, params)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big-mib", type=int, default=256)
    parser.add_argument("--csv-mib", type=int, default=64)
    args = parser.parse_args()
    big = args.big_mib * MIB

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        base = write_random(root / "v1.bin", big, seed=1)
        middle = big // 2
        edit = pseudo_random(MIB, seed=2)
        (root / "overwrite.bin").write_bytes(base[:middle] + edit + base[middle + MIB :])
        (root / "insert.bin").write_bytes(base[:middle] + edit + base[middle:])
        del base

        rng = random.Random(3)
        rows = csv_rows(rng, 1000, 0)
        per_row = len(rows) / 1000
        row_count = int(args.csv_mib * MIB / per_row)
        table = csv_rows(rng, row_count, 0)
        (root / "v1.csv").write_bytes(b"id,score,count,label,noise\n" + table)
        appended = csv_rows(rng, row_count // 100, row_count)
        (root / "v2.csv").write_bytes(b"id,score,count,label,noise\n" + table + appended)

        reference = (root / "v1.bin").read_bytes()
        start = time.perf_counter()
        blake3.blake3(reference, max_threads=blake3.blake3.AUTO).digest()
        hash_s = time.perf_counter() - start
        del reference
        print(
            f"cpu cores: {os.cpu_count()}; BLAKE3 alone (threaded) over {args.big_mib} MiB: "
            f"{big / MIB / hash_s:.0f} MiB/s"
        )
        print(
            f"binary file {args.big_mib} MiB, 1 MiB edit in the middle; CSV {args.csv_mib} MiB + 1% appended "
            f"({len(appended) / MIB:.2f} MiB)"
        )
        header = (
            f"{'min/avg/max KiB':>18} {'MiB/s':>7} {'chunks':>7} {'mean KiB':>9} "
            f"{'overwrite new MiB':>18} {'insert new MiB':>15} {'csv append new MiB':>19}"
        )
        print(header)
        for params in CANDIDATES:
            chunk_file(root / "v1.bin", params)  # warm the page cache and the code path
            v1, seconds = timed_chunk(root / "v1.bin", params)
            overwrite, _ = timed_chunk(root / "overwrite.bin", params)
            insert, _ = timed_chunk(root / "insert.bin", params)
            csv1, _ = timed_chunk(root / "v1.csv", params)
            csv2, _ = timed_chunk(root / "v2.csv", params)
            sizes = f"{params.min_size // 1024}/{params.avg_size // 1024}/{params.max_size // 1024}"
            print(
                f"{sizes:>18} {big / MIB / seconds:>7.0f} {len(v1.chunks):>7} "
                f"{v1.size / len(v1.chunks) / 1024:>9.0f} "
                f"{new_bytes(v1, overwrite) / MIB:>18.2f} {new_bytes(v1, insert) / MIB:>15.2f} "
                f"{new_bytes(csv1, csv2) / MIB:>19.2f}"
            )


if __name__ == "__main__":
    main()
