"""Sub-chunk deltas: the prefix and suffix two chunks share, and the chunk rebuilt from them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamld_content.delta import Delta, common_prefix, common_suffix, delta


def naive_prefix(a: bytes, b: bytes) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count]:
        count += 1
    return count


@st.composite
def edited(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A base and a version of it with one span replaced (possibly by one of another length)."""
    base = draw(st.binary(max_size=3000))
    start = draw(st.integers(0, len(base)))
    end = draw(st.integers(start, len(base)))
    return base[:start] + draw(st.binary(max_size=300)) + base[end:], base


@given(st.binary(max_size=2000), st.binary(max_size=2000))
def test_the_common_prefix_is_the_first_difference(a, b):
    assert common_prefix(a, b) == naive_prefix(a, b)


@given(edited())
def test_a_delta_rebuilds_its_chunk_and_never_overlaps(pair):
    chunk, base = pair
    answer = delta(chunk, base)
    assert answer.prefix + answer.suffix <= min(len(chunk), len(base))
    assert answer.rebuild(base) == chunk
    assert Delta.decode(answer.encode()) == answer
    assert answer.size == len(chunk)


def test_blocks_larger_than_the_comparison_block_find_the_exact_byte():
    base = bytes(range(256)) * 4096  # 1 MiB
    for position in (0, 1, 65535, 65536, 65537, 700_001, len(base) - 1):
        chunk = bytearray(base)
        chunk[position] ^= 0xFF
        assert common_prefix(chunk, base) == position
        assert common_suffix(chunk, base) == len(base) - position - 1
        assert delta(bytes(chunk), base).middle == bytes(chunk[position : position + 1])


def test_an_in_place_edit_leaves_only_the_edited_bytes_in_the_middle():
    base = bytes(range(251)) * 8000
    chunk = base[:500_000] + b"x" * 1000 + base[501_000:]
    answer = delta(chunk, base)
    assert (answer.prefix, answer.suffix, answer.middle) == (500_000, len(base) - 501_000, b"x" * 1000)


def test_a_base_too_short_for_the_delta_is_refused():
    with pytest.raises(ValueError):
        Delta(10, 10, b"").rebuild(b"short")
    with pytest.raises(ValueError):
        Delta.decode(b"\x00" * 15)
