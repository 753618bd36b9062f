"""Fixtures for the content-model tests."""

from __future__ import annotations

import blake3
import pytest

from kamld_content.chunking import ChunkingParams


def pseudo_random(size: int, seed: int) -> bytes:
    return blake3.blake3(seed.to_bytes(8, "little")).digest(length=size)


@pytest.fixture
def random_bytes():
    """Deterministic incompressible bytes: ``random_bytes(size, seed)``."""
    return pseudo_random


@pytest.fixture
def small_params() -> ChunkingParams:
    """Small chunk sizes so that kilobytes of input already make many chunks."""
    return ChunkingParams(min_size=256, avg_size=1024, max_size=4096)
