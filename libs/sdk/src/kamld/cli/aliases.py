"""Alias commands: ``kamld alias set|ls|history|rm``."""

from __future__ import annotations

from typing import Annotated

import typer

from kamld.cli import app
from kamld.cli.output import JsonOption, emit_json, new_table, out, reports_errors
from kamld.client import Client

alias_app = typer.Typer(help="Movable names for versions: production, staging, …", no_args_is_help=True)
app.add_typer(alias_app, name="alias")


@alias_app.command("set")
@reports_errors
def alias_set(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    alias: Annotated[str, typer.Argument(help="Alias, e.g. production")],
    ref: Annotated[str, typer.Argument(help="Version: v3, 3, another alias or a digest prefix")],
    expected: Annotated[
        str | None, typer.Option("--expect", help="Only if the alias points here now")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Point ALIAS of NAME at a version (the move is recorded)."""
    with Client() as client:
        result = client.alias_set(name, alias, ref, expected_version=expected)
    if as_json:
        emit_json(result)
        return
    out().print(f"{name}:{alias} -> {result.version.ref}", markup=False)


@alias_app.command("ls")
@reports_errors
def alias_ls(name: Annotated[str, typer.Argument(help="Artifact name")], as_json: JsonOption = False) -> None:
    """The aliases of an artifact."""
    with Client() as client:
        result = client.aliases(name)
    if as_json:
        emit_json(result)
        return
    table = new_table("alias", "version", "moved by", "at")
    for a in result:
        table.add_row(a.alias, a.version.name, a.updated_by, a.updated_at.strftime("%Y-%m-%d %H:%M"))
    out().print(table)


@alias_app.command("history")
@reports_errors
def alias_history(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    alias: Annotated[str, typer.Argument(help="Alias")],
    as_json: JsonOption = False,
) -> None:
    """Every move of an alias, newest first."""
    with Client() as client:
        events = list(client.alias_history(name, alias))
    if as_json:
        emit_json(events)
        return
    table = new_table("at", "action", "from", "to", "by")
    for e in events:
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.action,
            f"v{e.from_version}" if e.from_version else "-",
            f"v{e.to_version}" if e.to_version else "-",
            e.actor,
        )
    out().print(table)


@alias_app.command("rm")
@reports_errors
def alias_rm(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    alias: Annotated[str, typer.Argument(help="Alias to remove")],
    as_json: JsonOption = False,
) -> None:
    """Remove ALIAS of NAME (the removal is recorded in its history); the version stays."""
    with Client() as client:
        client.alias_delete(name, alias)
    if as_json:
        emit_json({"artifact": name, "alias": alias, "removed": True})
        return
    out().print(f"removed {name}:{alias}", markup=False)
