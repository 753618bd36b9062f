"""File commands: ``kamld cat``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from kamld.cli import app
from kamld.cli.output import reports_errors
from kamld.client import Client


@app.command()
@reports_errors
def cat(ref: Annotated[str, typer.Argument(help="NAME[:REF]/PATH of one file", show_default=False)]) -> None:
    """Write one file of a version to standard output as it arrives (bytes as stored)."""
    sink = sys.stdout.buffer
    with Client() as client, client.read_file(ref) as chunks:
        for chunk in chunks:
            sink.write(chunk)
    sink.flush()
