"""Tables whose cells are printed as given (loaded with rich, on first use of a table)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text


class PlainTable(Table):
    """A table whose string cells are never read as markup: a path like ``img[/a].png`` stays whole."""

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        cells = [Text(cell) if isinstance(cell, str) else cell for cell in renderables]
        super().add_row(*cells, **kwargs)
