"""The ``kamld`` command line (typer + rich); every command also speaks ``--json``."""

from __future__ import annotations

import sys

import typer

# httpx loads its own command line (click, rich.syntax, pygments: 30-50 ms of every command's
# start) whenever click is installed, as it is beside the services. This process never runs
# httpx's command line, so that import is refused; httpx then keeps a stub in its place.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

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
