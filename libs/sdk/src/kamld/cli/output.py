"""Where commands print: rich consoles, made on first use, and how a failure is reported.

Loading rich costs ~30 ms; a command run with ``--json`` (scripts, jobs) prints no table, bar or
coloured line, so it never loads it.

Text from users and the server (names, paths, descriptions, error details) is never read as rich
markup: tables take it as plain text, and lines quote it with :func:`literal`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer

from kamld.cli.exits import ExitCode, exit_code_for
from kamld.errors import ConnectionFailed, KamldClientError, NotAGateway, Unauthorized, UnexpectedAnswer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

P = ParamSpec("P")
R = TypeVar("R")

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON (errors too, as a JSON object)")
]


@functools.cache
def out() -> Console:
    """Standard output."""
    return _console(stderr=False)


@functools.cache
def err() -> Console:
    """Standard error: errors, warnings and progress bars."""
    return _console(stderr=True)


UNWRAPPED_WIDTH = 1 << 16


def _console(*, stderr: bool) -> Console:
    """A console that wraps lines to a terminal's width, and never when it writes to a file or pipe,
    where a script reading the output wants each line, and each table row, whole."""
    from rich.console import Console

    console = Console(stderr=stderr)
    if console.is_terminal:
        return console
    return Console(stderr=stderr, soft_wrap=True, width=UNWRAPPED_WIDTH)


def transfer_bars(*, enabled: bool) -> contextlib.AbstractContextManager[Progress | None]:
    """Progress bars of a push or pull on standard error, or None (and no rich) when not ``enabled``.

    Only a terminal gets bars, as with git: redirected to a file or a pipe, rich would leave an
    empty line behind instead of the transient bars.
    """
    if not enabled or not err().is_terminal:
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
    """A borderless table with these column headers; its string cells are printed as given."""
    from kamld.cli.tables import PlainTable

    return PlainTable(*headers, box=None)


def literal(value: object) -> str:
    """``value`` placed in a markup string, printed exactly as it is (brackets included)."""
    from rich.markup import escape

    return escape(str(value))


def emit_json(value: Any) -> None:
    """``value`` (API models, lists of them, plain data) as indented JSON on standard output."""
    from kamld.models import ApiModel

    def plain(item: Any) -> Any:
        if isinstance(item, ApiModel):
            return item.to_dict()
        if isinstance(item, list):
            return [plain(i) for i in item]
        return item

    sys.stdout.write(json.dumps(plain(value), indent=2) + "\n")


@dataclass(frozen=True)
class Failure:
    """One failed command as reported: a line on standard error, or a JSON object under ``--json``."""

    code: str
    detail: str
    exit_code: ExitCode
    status: int | None = None
    suggestions: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_client_error(cls, exc: KamldClientError) -> Failure:
        from kamld.config import missing_config_hint

        detail = exc.detail
        unreached = ConnectionFailed | Unauthorized | NotAGateway | UnexpectedAnswer
        if isinstance(exc, unreached) and (hint := missing_config_hint()):
            detail = f"{detail}; {hint}"
        extra = {k: v for k, v in exc.problem.items() if k not in ("type", "title", "instance")}
        return cls(
            code=exc.code,
            detail=detail,
            exit_code=exit_code_for(exc),
            status=exc.status,
            suggestions=exc.suggestions,
            extra=extra,
        )

    @classmethod
    def of_os_error(cls, exc: OSError) -> Failure:
        detail = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        return cls(code="os_error", detail=detail, exit_code=ExitCode.ERROR)

    @classmethod
    def of_usage_error(cls, exc: typer.TyperException) -> Failure:
        code = ExitCode.USAGE if exc.exit_code == ExitCode.USAGE else ExitCode.ERROR
        return cls(code="usage", detail=exc.format_message(), exit_code=code)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "code": self.code,
            "status": self.status,
            "detail": self.detail,
            "suggestions": self.suggestions,
            "exit_code": int(self.exit_code),
        }

    def line(self) -> str:
        if self.suggestions and "did you mean" not in self.detail:
            return f"{self.detail} (did you mean {', '.join(self.suggestions)}?)"
        return self.detail


def report(failure: Failure, *, as_json: bool) -> NoReturn:
    """Print ``failure`` (JSON on standard output, or one line on standard error) and exit with its code."""
    if as_json:
        sys.stdout.write(json.dumps(failure.as_dict(), indent=2) + "\n")
    else:
        from rich.text import Text

        err().print(Text.assemble(("error:", "red"), " ", failure.line()), highlight=False, soft_wrap=True)
    raise typer.Exit(int(failure.exit_code))


def reports_errors(command: Callable[P, R]) -> Callable[P, R | None]:
    """Report client, file and usage errors as :func:`report` does, never as a traceback.

    A command's ``as_json`` argument (its ``--json`` option) chooses JSON on standard output.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        as_json = bool(kwargs.get("as_json"))
        try:
            return command(*args, **kwargs)
        except KamldClientError as exc:
            report(Failure.of_client_error(exc), as_json=as_json)
        except BrokenPipeError:
            raise  # the reader went away (`kamld cat … | head`): click exits quietly
        except OSError as exc:
            report(Failure.of_os_error(exc), as_json=as_json)
        except typer.TyperException as exc:  # a usage error (typer.BadParameter) raised by the command
            if not as_json:
                raise
            report(Failure.of_usage_error(exc), as_json=True)

    return wrapper
