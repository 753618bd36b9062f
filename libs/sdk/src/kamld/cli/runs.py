"""Training commands: ``kamld train`` and ``kamld runs ls|show|logs|cancel|retry``."""

from __future__ import annotations

import shlex
import sys
import time
from typing import Annotated, Any

import typer

from kamld.cli import app
from kamld.cli.catalog import parse_pairs
from kamld.cli.exits import ExitCode
from kamld.cli.output import JsonOption, emit_json, err, new_table, out, reports_errors
from kamld.client import Client
from kamld.models import Run

runs_app = typer.Typer(help="Training runs: list, inspect, follow, cancel, retry", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

POLL_S = 1.0


def _params(items: list[str], typed_by_recipe: bool) -> dict[str, Any]:
    """A recipe types its params itself (so ``target=1`` stays the column name "1"); a code run's
    values are read as JSON where they are JSON (numbers, true/false), else kept as strings."""
    if typed_by_recipe:
        return dict(parse_pairs(items, "param"))
    from kamld.push_options import metadata_pairs

    return metadata_pairs(items)


def _summary(run: Run) -> str:
    metrics = " ".join(f"{key}={value:.4g}" for key, value in run.metrics.items())
    return f"{run.status}" + (f"  {metrics}" if metrics else "")


def _last_line(client: Client, run: Run, offset: int) -> tuple[str, int]:
    """The last complete line the run logged since ``offset`` (and the new offset)."""
    data = b"".join(client.run_logs(run.id, offset=offset))
    lines = [line for line in data.decode(errors="replace").splitlines() if line.strip()]
    return (lines[-1] if lines else ""), offset + len(data)


def _wait(client: Client, run: Run, *, follow: bool, quiet: bool) -> Run:
    """Until the run ends: its log on stdout (``follow``), else a live status line on stderr."""
    if follow:
        for chunk in client.run_logs(run.id, follow=True):
            sys.stdout.write(chunk.decode(errors="replace"))
            sys.stdout.flush()
        return client.run(run.id)
    if quiet:
        while not run.finished:
            time.sleep(POLL_S)
            run = client.run(run.id)
        return run
    offset, last = 0, ""
    with err().status(f"run {run.id}: {run.status}") as status:
        while not run.finished:
            time.sleep(POLL_S)
            run = client.run(run.id)
            line, offset = _last_line(client, run, offset)
            last = line or last
            status.update(f"run {run.id[:8]}: {_summary(run)}  {last[:80]}")
    return run


def _print_run(run: Run) -> None:
    console = out()
    rows: list[tuple[str, Any]] = [
        ("id", run.id),
        ("status", run.status),
        ("name", run.name),
        ("recipe", run.recipe),
        ("code", run.code.ref if run.code else None),
        ("entrypoint", shlex.join(run.entrypoint) if run.entrypoint else None),
        ("inputs", ", ".join(f"{i.ref}={i.role}" for i in run.inputs) or "-"),
        ("params", ", ".join(f"{k}={v}" for k, v in {**run.params, **run.logged_params}.items()) or "-"),
        ("metrics", ", ".join(f"{k}={v:.4g}" for k, v in run.metrics.items()) or "-"),
        ("output", run.output_version or run.output),
        ("executor", run.executor),
        ("creator", run.creator),
        ("created", run.created_at.isoformat(timespec="seconds")),
        ("finished", run.finished_at.isoformat(timespec="seconds") if run.finished_at else None),
        ("retry of", run.retry_of),
        ("error", run.error),
    ]
    for key, value in rows:
        if value is not None:
            console.print(f"{key + ':':<11}{value}", markup=False, highlight=False)


def _finish(run: Run, as_json: bool) -> None:
    if as_json:
        emit_json(run)
    else:
        _print_run(run)
    if run.status != "succeeded" and run.finished:
        raise typer.Exit(int(ExitCode.ERROR))


@app.command("train")
@reports_errors
def train(
    recipe: Annotated[str | None, typer.Argument(help="A built-in recipe, e.g. sklearn-tabular")] = None,
    code: Annotated[str | None, typer.Option("--code", help="A `code` artifact version to run")] = None,
    entrypoint: Annotated[
        str | None, typer.Option("--entrypoint", help="The command run in the code, e.g. 'python train.py'")
    ] = None,
    inputs: Annotated[
        list[str], typer.Option("--input", help="NAME[:REF][=ROLE], pinned now (repeatable)")
    ] = [],  # noqa: B006 - typer's list option
    params: Annotated[list[str], typer.Option("--param", help="KEY=VALUE (repeatable)")] = [],  # noqa: B006
    output: Annotated[str | None, typer.Option("--output", help="The model artifact to produce")] = None,
    executor: Annotated[str, typer.Option("--executor", help="local or kubernetes")] = "local",
    timeout_s: Annotated[
        int | None, typer.Option("--timeout", help="Fail the run after this many seconds")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for the run to end, showing its progress")
    ] = False,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Stream the run's log until it ends")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Start a training run on pinned input versions; its output becomes a new model version."""
    if (recipe is None) == (code is None):
        raise typer.BadParameter("give a RECIPE or --code REF with --entrypoint")
    if code is not None and not entrypoint:
        raise typer.BadParameter("--code needs --entrypoint")
    if not output:
        raise typer.BadParameter("--output NAME is required")
    with Client() as client:
        run = client.train(
            output=output,
            recipe=recipe,
            code=code,
            entrypoint=shlex.split(entrypoint) if entrypoint else None,
            inputs=inputs,
            params=_params(params, typed_by_recipe=recipe is not None),
            executor=executor,
            resources={"timeout_s": timeout_s} if timeout_s else None,
        )
        if not as_json and not follow:
            err().print(f"run {run.id} {run.status}", markup=False, highlight=False)
        if wait or follow:
            run = _wait(client, run, follow=follow, quiet=as_json)
    _finish(run, as_json)


@runs_app.command("ls")
@reports_errors
def runs_ls(
    status: Annotated[str | None, typer.Option("--status", help="queued, running, succeeded, …")] = None,
    output: Annotated[str | None, typer.Option("--output", help="Only runs producing this artifact")] = None,
    input_ref: Annotated[
        str | None, typer.Option("--input", help="Only runs reading NAME or NAME:vN")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Runs, newest first."""
    with Client() as client:
        found = list(client.runs(status=status, output=output, input=input_ref, limit=limit))
    if as_json:
        emit_json(found)
        return
    table = new_table("id", "status", "what", "output", "metrics", "created", "by")
    for run in found:
        what = run.recipe or (run.code.ref if run.code else run.executor)
        metrics = " ".join(f"{k}={v:.3g}" for k, v in run.metrics.items())
        created = run.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(
            run.id, run.status, what, run.output_version or run.output or "-", metrics, created, run.creator
        )
    out().print(table)


@runs_app.command("show")
@reports_errors
def runs_show(run_id: Annotated[str, typer.Argument(help="Run id")], as_json: JsonOption = False) -> None:
    """One run: spec, status, metrics, error and the version it registered."""
    with Client() as client:
        run = client.run(run_id)
    if as_json:
        emit_json(run)
        return
    _print_run(run)


@runs_app.command("logs")
@reports_errors
def runs_logs(
    run_id: Annotated[str, typer.Argument(help="Run id")],
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep streaming until the run ends")] = False,
) -> None:
    """The run's output (stdout and stderr)."""
    with Client() as client:
        for chunk in client.run_logs(run_id, follow=follow):
            sys.stdout.write(chunk.decode(errors="replace"))
            sys.stdout.flush()


@runs_app.command("cancel")
@reports_errors
def runs_cancel(run_id: Annotated[str, typer.Argument(help="Run id")], as_json: JsonOption = False) -> None:
    """Cancel a run: a queued one at once, a running one with SIGTERM, then SIGKILL."""
    with Client() as client:
        run = client.cancel_run(run_id)
    if as_json:
        emit_json(run)
        return
    out().print(f"run {run.id}: {run.status}{' (stopping)' if run.status == 'running' else ''}", markup=False)


@runs_app.command("retry")
@reports_errors
def runs_retry(
    run_id: Annotated[str, typer.Argument(help="Run id")],
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the new run to end")] = False,
    as_json: JsonOption = False,
) -> None:
    """Start a new run with a finished run's spec and the same pinned inputs."""
    with Client() as client:
        run = client.retry_run(run_id)
        if not as_json:
            err().print(f"run {run.id} {run.status} (retry of {run_id})", markup=False, highlight=False)
        if wait:
            run = _wait(client, run, follow=False, quiet=as_json)
    _finish(run, as_json)
