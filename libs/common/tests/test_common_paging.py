"""The shared paging helpers: a page built from ``limit + 1`` rows, and integer cursors."""

from __future__ import annotations

import pytest

from kamld_common.errors import Invalid
from kamld_common.paging import Page, int_cursor, page_of


def test_a_page_with_one_row_more_than_asked_names_its_last_item_as_next() -> None:
    page = page_of([5, 4, 3], 2, str)
    assert page == Page[int](items=[5, 4], next="4")


@pytest.mark.parametrize("rows", [[], [5], [5, 4]])
def test_the_last_page_has_no_next(rows: list[int]) -> None:
    assert page_of(rows, 2, str) == Page[int](items=rows, next=None)


def test_the_wire_shape_is_items_and_next() -> None:
    assert page_of(["a", "b"], 1, str).model_dump() == {"items": ["a"], "next": "a"}


@pytest.mark.parametrize(
    ("after", "key"), [(None, None), ("", None), ("0", 0), ("42", 42), ("9" * 18, 10**18 - 1)]
)
def test_an_integer_cursor_reads_back(after: str | None, key: int | None) -> None:
    assert int_cursor(after) == key


@pytest.mark.parametrize("after", ["-1", "x", "1.5", " 7", "٣", "1" * 19])
def test_a_cursor_no_list_answered_is_a_422_naming_after(after: str) -> None:
    with pytest.raises(Invalid) as caught:
        int_cursor(after)
    with pytest.raises(Invalid):
        int_cursor("0", minimum=1)
    assert caught.value.status == 422
    assert caught.value.code == "unknown_cursor"
    assert [error["loc"] for error in caught.value.to_problem()["errors"]] == [["query", "after"]]
