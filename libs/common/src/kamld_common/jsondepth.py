"""How deeply JSON nests: a bound every service applies to free-form JSON before storing it."""

from __future__ import annotations

from typing import Any


def json_depth(value: Any, limit: int | None = None) -> int:
    """Objects and arrays nested in ``value`` (a scalar is 0), counted without recursion.

    With ``limit``, counting stops once the depth passes it, so a hostile document costs no more
    than ``limit + 1`` levels of work before it is refused.
    """
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, level)
        if limit is not None and deepest > limit:
            return deepest
        pending.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
