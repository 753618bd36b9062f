"""Where commands print: rich consoles, made on first use.

Loading rich costs ~30 ms; a command run with ``--json`` (scripts, jobs) prints no table, bar or
coloured line, so it never loads it.
"""

from __future__ import annotations

import contextlib
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table


@functools.cache
def out() -> Console:
    """Standard output."""
    from rich.console import Console

    return Console()


@functools.cache
def err() -> Console:
    """Standard error: errors, warnings and progress bars."""
    from rich.console import Console

    return Console(stderr=True)


def transfer_bars(*, enabled: bool) -> contextlib.AbstractContextManager[Progress | None]:
    """Progress bars of a push or pull on standard error, or None (and no rich) when not ``enabled``."""
    if not enabled:
        return contextlib.nullcontext()
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    columns: list[Any] = [
        TextColumn("{task.description:>14}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    ]
    return Progress(*columns, console=err(), transient=True)


def new_table(*headers: str) -> Table:
    """A borderless table with these column headers."""
    from rich.table import Table

    return Table(*headers, box=None)
