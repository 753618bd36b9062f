"""Keyset pagination: every list answers ``{"items": [...], "next": cursor | null}``."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(
        None, description="Pass as `after` to get the following page; null on the last page"
    )


def page_of(items: list[T], limit: int, cursor_of) -> Page[T]:
    """Build a page from ``limit + 1`` fetched rows: the extra row only says another page exists."""
    more = len(items) > limit
    items = items[:limit]
    return Page[T](items=items, next=cursor_of(items[-1]) if more and items else None)
