"""Splitting a chunk batch to the body limit a server announces when it refuses one as too large."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kamld.transfer.push import _split_to_body_limit
from kamld_content.chunking import ChunkRef
from kamld_content.framing import frame_header


def _group(sizes: list[int]) -> list[tuple[str, ChunkRef, bytes | None]]:
    return [
        (f"file-{index}", ChunkRef(f"blake3:{index:064x}", 0, size), None) for index, size in enumerate(sizes)
    ]


def _body(part: list[tuple[str, ChunkRef, bytes | None]]) -> int:
    return sum(len(frame_header(ref.digest, ref.size)) + ref.size for _, ref, _ in part)


@given(st.lists(st.integers(1, 5000), min_size=1, max_size=40), st.integers(100, 20000))
def test_parts_keep_order_and_fit_the_limit_unless_one_chunk_is_larger(sizes, limit):
    group = _group(sizes)
    parts = list(_split_to_body_limit(group, limit))
    assert [item for part in parts for item in part] == group
    for part in parts:
        assert part
        assert _body(part) <= limit or len(part) == 1


def test_frame_headers_count_against_the_limit():
    # Two 100-byte chunks fit 200 bytes of data but not with their 80-byte headers.
    header = len(frame_header(f"blake3:{0:064x}", 100))
    parts = list(_split_to_body_limit(_group([100, 100]), 200 + header))
    assert [len(part) for part in parts] == [1, 1]
    assert [len(part) for part in _split_to_body_limit(_group([100, 100]), 2 * (100 + header))] == [2]
