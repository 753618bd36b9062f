"""The ``kamld`` command line (typer + rich); every command also speaks ``--json``."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="kamld",
    help="KAML-D: version datasets and models, with lineage.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _register() -> None:
    from kamld.cli import catalog, platform  # noqa: F401 - modules add their commands to `app`


def main() -> None:
    _register()
    app()
