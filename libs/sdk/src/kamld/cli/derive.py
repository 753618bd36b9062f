"""``kamld split`` and ``kamld compose``: new versions from existing files, without uploading."""

from __future__ import annotations

from typing import Annotated

import typer

from kamld.cli import app
from kamld.cli.output import JsonOption, emit_json, literal, out, reports_errors
from kamld.client import Client
from kamld.models import PushedVersion


def _print(version: PushedVersion, what: str) -> None:
    out().print(
        f"{what} {literal(version.ref)}: {version.file_count} files, digest {literal(version.digest[:19])}…; "
        "0 B uploaded",
        highlight=False,
    )


@app.command("split")
@reports_errors
def split(
    ref: Annotated[str, typer.Argument(help="The version to split, NAME[:REF]", show_default=False)],
    test: Annotated[
        float, typer.Option("--test", help="Fraction of the files (of the rows, for tables) for test/")
    ] = 0.3,
    val: Annotated[float, typer.Option("--val", help="Fraction for val/ (0: none)")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same split")] = 0,
    output: Annotated[
        str | None,
        typer.Option("--output", help="Artifact of the split (default NAME-split)", show_default=False),
    ] = None,
    tables: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            help="A table file (CSV, TSV, Parquet, JSON Lines) to split by rows (repeat); "
            "default: the one file of a single-table version",
            show_default=False,
        ),
    ] = None,
    stratify: Annotated[
        str | None,
        typer.Option(
            "--stratify", help="Split each value of this column alike (row splits)", show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Split a version into train/, test/ (and val/) of a new version: files whole, moving no bytes;
    tables by rows."""
    with Client() as client:
        version = client.split(
            ref, test=test, val=val, seed=seed, output=output, tables=tables or None, stratify=stratify
        )
    if as_json:
        emit_json(version)
        return
    _print(version, "split into")


@app.command("compose")
@reports_errors
def compose(
    name: Annotated[
        str, typer.Argument(help="The artifact to record the composition in", show_default=False)
    ],
    sources: Annotated[
        list[str],
        typer.Option(
            "--from", help="NAME[:REF]/GLOB of files to take (repeat); paths are kept", show_default=False
        ),
    ],
    message: Annotated[str, typer.Option("-m", "--message", help="The version's message")] = "",
    as_json: JsonOption = False,
) -> None:
    """Build a version from files of other versions, moving no bytes; they become its inputs."""
    with Client() as client:
        version = client.compose(name, sources, message)
    if as_json:
        emit_json(version)
        return
    _print(version, "composed")
