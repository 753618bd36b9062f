"""Keyset paging, one shape for every list of every service: ``{"items": [...], "next": cursor | null}``.

A client asks with ``?after=<cursor>&limit=<n>`` and passes each page's ``next`` back as ``after``
until it is null. The cursor is an opaque string: each service encodes its own key in it (a name,
a version number, an id) and answers a cursor it cannot read with a 422 naming ``after``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from kamld_common.errors import Invalid

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CURSOR_MAX_LENGTH = 4096


class Page(BaseModel, Generic[T]):
    """One page of a list. A list with more fields (a diff's ``renames_detected``) subclasses it."""

    items: list[T]
    next: str | None = Field(description="Pass as `after` to get the following page; null on the last page")


def limit_query(maximum: int = MAX_LIMIT) -> Any:
    """The ``limit`` query parameter, for a list whose pages may hold up to ``maximum`` items."""
    return Query(ge=1, le=maximum, description=f"Page size, 1 to {maximum}")


def cursor_query(max_length: int = CURSOR_MAX_LENGTH, pattern: str | None = None) -> Any:
    """The ``after`` query parameter, for a list whose cursors are at most ``max_length`` long and,
    where given, match ``pattern`` (documented for clients and fuzzers; the service checks them)."""
    return Query(
        max_length=max_length,
        description="Cursor: the `next` of the previous page",
        json_schema_extra={"pattern": pattern} if pattern else None,
    )


After = Annotated[str | None, cursor_query()]
Limit = Annotated[int, limit_query()]


def page_of(rows: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """Build a page from up to ``limit + 1`` fetched rows: the extra row only says another page exists."""
    items = list(rows[:limit])
    more = len(rows) > limit
    return Page[T](items=items, next=cursor_of(items[-1]) if more and items else None)


def int_cursor(after: str | None, minimum: int = 0) -> int | None:
    """The integer key (an id) a cursor holds: up to 18 digits, at least ``minimum``
    (``patterns.EVENT_CURSOR``); None for no cursor; else a 422 naming ``after``."""
    if after is None or after == "":
        return None
    if not (after.isascii() and after.isdigit()) or len(after) > 18 or int(after) < minimum:
        raise Invalid(
            f"cursor {after!r} is not one this list answered", field=["query", "after"], code="unknown_cursor"
        )
    return int(after)
