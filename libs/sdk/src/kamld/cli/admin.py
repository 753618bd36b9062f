"""``kamld admin verify``: which versions miss content in the object store."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from kamld.cli.exits import ExitCode
from kamld.cli.output import JsonOption, emit_json, err, literal, new_table, out, reports_errors
from kamld.cli.search import admin_app
from kamld.client import Client
from kamld.models import VersionCheck
from kamld.references import parse_reference

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

PAGE = 20


@admin_app.command("verify")
@reports_errors
def verify(
    ref: Annotated[
        str | None,
        typer.Argument(
            help="NAME: every version of one artifact; NAME:REF: one version; none: every version",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check that every chunk and manifest object of every version is in the object store (admin).

    Lists each damaged version with its missing chunk count and the files affected; exits with 8
    when any version is damaged."""
    artifact: str | None = None
    version: str | None = None
    if ref is not None:
        parsed = parse_reference(ref)
        artifact = parsed.artifact
        version = parsed.ref if ":" in ref else None
    damaged: list[VersionCheck] = []
    checked = 0
    with Client() as client, _bar(enabled=not as_json) as (progress, task):
        after: str | None = None
        while True:
            page = client.verify_page(artifact, version, after=after, limit=PAGE)
            checked += len(page.items)
            damaged.extend(item for item in page.items if not item.ok)
            if progress is not None and task is not None:
                progress.update(task, completed=checked, total=page.total)
            if not page.next:
                break
            after = page.next
    if as_json:
        emit_json({"checked": checked, "ok": not damaged, "damaged": [item.to_dict() for item in damaged]})
    else:
        _report(checked, damaged)
    if damaged:
        raise typer.Exit(ExitCode.DAMAGED)


@contextlib.contextmanager
def _bar(*, enabled: bool) -> Iterator[tuple[Progress | None, TaskID | None]]:
    """A progress bar of versions checked on standard error (a terminal only), or ``(None, None)``."""
    if not enabled or not err().is_terminal:
        yield None, None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description:>14}"), BarColumn(), MofNCompleteColumn(), console=err(), transient=True
    ) as progress:
        yield progress, progress.add_task("verified", total=None)


def _report(checked: int, damaged: list[VersionCheck]) -> None:
    noun = "version" if checked == 1 else "versions"
    if not damaged:
        out().print(f"checked {checked} {noun}: every chunk and manifest object is present")
        return
    table = new_table("version", "missing chunks", "missing manifest objects", "damaged files")
    for item in damaged:
        table.add_row(
            literal(item.ref),
            str(item.missing_chunks),
            str(item.missing_manifest_objects),
            str(item.damaged_file_count),
        )
    out().print(table)
    for item in damaged:
        for path in item.damaged_files:
            out().print(f"{literal(item.ref)}/{literal(path)}")
        hidden = item.damaged_file_count - len(item.damaged_files)
        if hidden > 0:
            out().print(f"{literal(item.ref)}: {hidden} more damaged files not listed")
    out().print(f"checked {checked} {noun}: {len(damaged)} damaged")
