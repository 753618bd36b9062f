"""The file split both the SDK and storage-gateway run: pinned, because a split's digests depend
on it (a change would give every existing seed other parts)."""

from __future__ import annotations

import pytest

from kamld_content.split import InvalidFractions, partition


def test_the_partition_is_pinned() -> None:
    files = [f"f{i}" for i in range(10)]
    assert partition(reversed(files), path=str, test=0.3, val=0.2, seed=1) == {
        "test": ["f6", "f8", "f9"],
        "val": ["f7", "f5"],
        "train": ["f3", "f0", "f4", "f1", "f2"],
    }


def test_halves_round_up_and_val_is_left_out_when_zero() -> None:
    parts = partition(range(5), path=lambda n: f"{n}", test=0.5, val=0, seed=9)
    assert list(parts) == ["test", "train"] and len(parts["test"]) == 3


@pytest.mark.parametrize(
    ("test", "val", "field"), [(0, 0, "test"), (1, 0, "test"), (0.3, -0.1, "val"), (0.6, 0.4, "val")]
)
def test_fractions_that_leave_a_part_empty_name_the_field(test: float, val: float, field: str) -> None:
    with pytest.raises(InvalidFractions) as refused:
        partition([], path=str, test=test, val=val, seed=0)
    assert refused.value.field == field
