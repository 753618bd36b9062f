"""Which old chunks a delta pull names as the base of each chunk it lacks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kamld.transfer.writing import delta_bases
from kamld_content.chunking import ChunkRef


def cut(sizes: list[int], name: str) -> list[ChunkRef]:
    """Chunks of the given sizes, back to back from offset 0."""
    refs, offset = [], 0
    for index, size in enumerate(sizes):
        refs.append(ChunkRef(f"{name}{index}", offset, size))
        offset += size
    return refs


sizes = st.lists(st.integers(1, 50), min_size=1, max_size=30)


@given(sizes, sizes)
def test_each_base_is_the_old_bytes_at_the_chunks_offsets_held_by_contiguous_old_chunks(old_sizes, new_sizes):
    old, new = cut(old_sizes, "old"), cut(new_sizes, "new")
    old_size = sum(old_sizes)
    bases = delta_bases(new, list(reversed(old)))
    for ref in new:
        if ref.offset >= old_size:
            assert ref not in bases
            continue
        base = bases[ref]
        assert (base.offset, base.size) == (ref.offset, min(ref.offset + ref.size, old_size) - ref.offset)
        first, last = base.chunks[0], base.chunks[-1]
        assert first.offset <= ref.offset < first.offset + first.size
        assert last.offset < base.offset + base.size <= last.offset + last.size
        assert all(a.offset + a.size == b.offset for a, b in zip(base.chunks, base.chunks[1:], strict=False))
        asked = base.asked(ref)
        assert asked["base"] == [chunk.digest for chunk in base.chunks]
        assert asked["base_offset"] == ref.offset - first.offset
        assert asked["base_size"] == base.size


def test_a_chunk_past_the_old_files_end_has_no_base():
    old = cut([10, 10], "old")
    assert delta_bases([ChunkRef("new", 20, 5)], old) == {}
    assert delta_bases([ChunkRef("new", 0, 5)], []) == {}
