"""Deterministic benchmark data: three profiles, each with a v1 and a v2.

- many-small: 20,000 files of 1-8 KiB in nested directories; v2 changes 1% of them.
- few-large: 4 files of 256 MiB; v2 rewrites 1 MiB in the middle of one of them.
- tabular: a CSV of about 500 MB; v2 appends 1% more rows.

The same seed gives the same bytes on every machine, so runs are comparable.
``scale`` shrinks every profile proportionally for quick runs.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True)
class Profile:
    name: str
    v1: Path
    v2: Path
    bytes_v1: int


def _fast_random_bytes(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def make_many_small(root: Path, scale: float, seed: int = 7) -> Profile:
    v1, v2 = root / "many-small" / "v1", root / "many-small" / "v2"
    count = max(100, int(20_000 * scale))
    marker = root / "many-small" / f".done-{count}"
    if not marker.exists():
        shutil.rmtree(root / "many-small", ignore_errors=True)
        rng = random.Random(seed)
        for i in range(count):
            path = v1 / f"d{i % 50:02d}" / f"s{(i // 50) % 20:02d}" / f"file-{i:05d}.bin"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_fast_random_bytes(rng, rng.randint(1024, 8 * 1024)))
        shutil.copytree(v1, v2)
        for i in rng.sample(range(count), max(1, count // 100)):
            path = v2 / f"d{i % 50:02d}" / f"s{(i // 50) % 20:02d}" / f"file-{i:05d}.bin"
            path.write_bytes(_fast_random_bytes(rng, rng.randint(1024, 8 * 1024)))
        marker.touch()
    return Profile("many-small", v1, v2, _tree_bytes(v1))


def make_few_large(root: Path, scale: float, seed: int = 11) -> Profile:
    v1, v2 = root / "few-large" / "v1", root / "few-large" / "v2"
    size = max(4 * MiB, int(256 * MiB * scale))
    marker = root / "few-large" / f".done-{size}"
    if not marker.exists():
        shutil.rmtree(root / "few-large", ignore_errors=True)
        v1.mkdir(parents=True)
        rng = random.Random(seed)
        for i in range(4):
            with (v1 / f"large-{i}.bin").open("wb") as fh:
                remaining = size
                while remaining:
                    block = min(remaining, 8 * MiB)
                    fh.write(_fast_random_bytes(rng, block))
                    remaining -= block
        shutil.copytree(v1, v2)
        with (v2 / "large-2.bin").open("r+b") as fh:
            fh.seek(size // 2)
            fh.write(_fast_random_bytes(rng, min(MiB, size // 4)))
        marker.touch()
    return Profile("few-large", v1, v2, _tree_bytes(v1))


def _csv_rows(rng: random.Random, start: int, count: int) -> bytes:
    lines = []
    for i in range(start, start + count):
        lines.append(
            f"{i},{rng.randint(0, 10**9)},{rng.random():.6f},{rng.choice(('cat', 'dog', 'bird', 'fish'))},"
            f"img_{rng.randint(0, 10**6):07d}.png,{rng.gauss(0, 1):.5f}\n"
        )
    return "".join(lines).encode()


def make_tabular(root: Path, scale: float, seed: int = 13) -> Profile:
    v1, v2 = root / "tabular" / "v1", root / "tabular" / "v2"
    target = max(2 * MiB, int(500 * 1000 * 1000 * scale))
    marker = root / "tabular" / f".done-{target}"
    if not marker.exists():
        shutil.rmtree(root / "tabular", ignore_errors=True)
        v1.mkdir(parents=True)
        rng = random.Random(seed)
        rows = 0
        with (v1 / "table.csv").open("wb") as fh:
            fh.write(b"id,value,score,label,image,noise\n")
            while fh.tell() < target:
                fh.write(_csv_rows(rng, rows, 50_000))
                rows += 50_000
        v2.mkdir(parents=True)
        shutil.copy2(v1 / "table.csv", v2 / "table.csv")
        with (v2 / "table.csv").open("ab") as fh:
            fh.write(_csv_rows(rng, rows, max(1, rows // 100)))
        marker.touch()
    return Profile("tabular", v1, v2, _tree_bytes(v1))


GENERATORS = {"many-small": make_many_small, "few-large": make_few_large, "tabular": make_tabular}


def _tree_bytes(path: Path) -> int:
    """Bytes of the files below ``path``, leaving out a kamld working copy's own state (``.kamld/``)."""
    total = 0
    for dirpath, folders, files in os.walk(path):
        if ".kamld" in folders:
            folders.remove(".kamld")
        for name in files:
            total += os.path.getsize(os.path.join(dirpath, name))
    return total


def tree_bytes(path: Path) -> int:
    """Bytes of every file below ``path`` (what a store occupies)."""
    return _tree_bytes(path) if path.exists() else 0
