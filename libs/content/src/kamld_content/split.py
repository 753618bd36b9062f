"""The file split shared by the SDK and storage-gateway: which files of a version go to ``train``,
``test`` and ``val``.

The files are ordered by path and shuffled by ``random.Random(seed)``; the first
``round(n * test)`` (halves rounded up) go to ``test``, the next ``round(n * val)`` to ``val``,
the rest to ``train``. The same paths, fractions and seed always give the same parts, whatever
order the files arrive in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

PARTS = ("train", "test", "val")


class InvalidFractions(ValueError):
    """Fractions that do not leave every part a share: ``field`` names the one to fix."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_fractions(test: float, val: float) -> None:
    """Refuse ``test`` outside (0, 1), ``val`` outside [0, 1), or ``test + val >= 1``."""
    if not 0 < test < 1:
        raise InvalidFractions("test is a fraction with 0 < test < 1", "test")
    if not 0 <= val < 1:
        raise InvalidFractions("val is a fraction with 0 <= val < 1", "val")
    if test + val >= 1:
        raise InvalidFractions(
            f"test + val must be below 1 (here {test + val:g}), so train keeps some files", "val"
        )


def partition(
    items: Iterable[T], *, path: Callable[[T], str], test: float, val: float, seed: int
) -> dict[str, list[T]]:
    """``test``, ``val`` (only when ``val`` > 0) and ``train``: the items by seeded shuffle."""
    check_fractions(test, val)
    ordered = sorted(items, key=path)
    random.Random(seed).shuffle(ordered)
    n_test = math.floor(len(ordered) * test + 0.5)
    n_val = math.floor(len(ordered) * val + 0.5)
    parts = {
        "test": ordered[:n_test],
        "val": ordered[n_test : n_test + n_val],
        "train": ordered[n_test + n_val :],
    }
    if not val:
        del parts["val"]
    return parts
