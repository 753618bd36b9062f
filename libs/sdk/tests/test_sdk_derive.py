"""The split plan: fractions of the files by a seeded shuffle, the same for the same seed whatever
order the manifest arrived in, and refused for fractions that do not add up."""

from __future__ import annotations

import pytest

from kamld.derive import Entry, glob_pattern, split_entries
from kamld.errors import InvalidInput


def entries(n: int) -> list[Entry]:
    return [
        Entry(f"img/{i:04d}.png", {"size": 1, "mode": 420, "digest": "d", "chunks": []}) for i in range(n)
    ]


def paths(parts: dict[str, list[Entry]]) -> dict[str, list[str]]:
    return {part: [e.path for e in chosen] for part, chosen in parts.items()}


def test_the_same_seed_gives_the_same_split_whatever_the_order() -> None:
    files = entries(1000)
    first = split_entries(files, test=0.3, val=0.1, seed=7)
    assert paths(first) == paths(split_entries(list(reversed(files)), test=0.3, val=0.1, seed=7))
    assert paths(first) != paths(split_entries(files, test=0.3, val=0.1, seed=8))
    assert {part: len(chosen) for part, chosen in first.items()} == {"test": 300, "val": 100, "train": 600}
    every = [e.path for chosen in first.values() for e in chosen]
    assert sorted(every) == [e.path for e in files]


def test_without_val_there_are_two_parts() -> None:
    assert set(split_entries(entries(10), test=0.5, val=0, seed=1)) == {"train", "test"}


@pytest.mark.parametrize(("test", "val"), [(0, 0), (1, 0), (0.6, 0.4), (-0.1, 0), (0.3, -0.2)])
def test_fractions_that_do_not_add_up_are_refused(test: float, val: float) -> None:
    with pytest.raises(InvalidInput):
        split_entries(entries(10), test=test, val=val, seed=1)


def test_globs() -> None:
    assert glob_pattern("img/**").fullmatch("img/a/b.png")
    assert glob_pattern("img/*.png").fullmatch("img/a.png") and not glob_pattern("img/*.png").fullmatch(
        "img/a/b.png"
    )
    assert glob_pattern("**/*.csv").fullmatch("labels.csv") and glob_pattern("**/*.csv").fullmatch(
        "a/b/c.csv"
    )
