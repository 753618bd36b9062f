"""The ``kamld`` command line (typer + rich); every command also speaks ``--json``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

# httpx loads its own command line (click, rich.syntax, pygments: 30-50 ms of every command's
# start) whenever click is installed, as it is beside the services. This process never runs
# httpx's command line, so that import is refused; httpx then keeps a stub in its place.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


class KamldGroup(TyperGroup):
    """The root command: under ``--json``, a usage error is a JSON object on standard output too."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode or "--json" not in argv:
            return super().main(argv, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        from kamld.cli.output import Failure, report

        try:
            code = super().main(
                argv,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except typer.TyperException as exc:
            try:
                report(Failure.of_usage_error(exc), as_json=True)
            except typer.Exit as exit_:
                code = exit_.exit_code
        except typer.Abort:
            code = 1
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="kamld",
    cls=KamldGroup,
    help="KAML-D: version datasets and models, with lineage.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from kamld import __version__

        typer.echo(f"kamld {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit"),
    ] = False,
) -> None:
    """KAML-D: version datasets and models, with lineage."""


def _register() -> None:
    from kamld.cli import (  # noqa: F401 - they add commands
        admin,
        aliases,
        artifacts,
        catalog,
        derive,
        events,
        files,
        platform,
        query,
        runs,
        search,
        webhooks,
    )


def _print_retry(attempt: int, wait_s: float, cause: BaseException) -> None:
    """One plain line on stderr for each retry the SDK schedules (stdout stays for answers)."""
    sys.stderr.write(f"kamld: retry {attempt} in {wait_s:.1f} s after {cause}\n")


def _report_retries() -> None:
    from kamld.transport import report_retries

    report_retries(_print_retry)


def main() -> None:
    _register()
    _report_retries()
    app()
