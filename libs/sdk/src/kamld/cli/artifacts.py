"""Artifact commands: ``kamld artifact show|edit|archive|unarchive``."""

from __future__ import annotations

from typing import Annotated

import typer

from kamld.cli import app
from kamld.cli.output import JsonOption, emit_json, literal, out, reports_errors
from kamld.client import Client
from kamld.models import Artifact

artifact_app = typer.Typer(help="Artifacts: description, labels, archive", no_args_is_help=True)
app.add_typer(artifact_app, name="artifact")

Name = Annotated[str, typer.Argument(help="Artifact name", show_default=False)]


def label_changes(set_: list[str], unset: list[str]) -> dict[str, str | None]:
    """``--label K=V`` and ``--unlabel K`` as a merge patch of labels (None removes one)."""
    changes: dict[str, str | None] = {}
    for value in set_:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"label {value!r} must be KEY=VALUE", param_hint="--label")
        changes[key] = val
    for key in unset:
        if key in changes:
            raise typer.BadParameter(f"label {key!r} is both set and removed", param_hint="--unlabel")
        changes[key] = None
    return changes


def print_artifact(artifact: Artifact) -> None:
    state = " (archived)" if artifact.archived else ""
    out().print(f"[bold]{literal(artifact.name)}[/bold] ({literal(artifact.kind)}){state}")
    out().print(f"  versions     {artifact.version_count}", highlight=False)
    if artifact.description:
        out().print(f"  description  {literal(artifact.description)}", highlight=False)
    for key, value in sorted(artifact.labels.items()):
        out().print(f"  label        {literal(key)}={literal(value)}", highlight=False)


@artifact_app.command("show")
@reports_errors
def show(name: Name, as_json: JsonOption = False) -> None:
    """An artifact: kind, description, labels, version count, whether it is archived."""
    with Client() as client:
        artifact = client.artifact(name)
    if as_json:
        emit_json(artifact)
        return
    print_artifact(artifact)


@artifact_app.command("edit")
@reports_errors
def edit(
    name: Name,
    description: Annotated[str | None, typer.Option("--description", help="New description")] = None,
    label: Annotated[list[str], typer.Option("--label", help="Set label KEY=VALUE (repeatable)")] = [],  # noqa: B006
    unlabel: Annotated[list[str], typer.Option("--unlabel", help="Remove label KEY (repeatable)")] = [],  # noqa: B006
    as_json: JsonOption = False,
) -> None:
    """Change the description and labels of an artifact; other labels stay as they are."""
    labels = label_changes(label, unlabel)
    if description is None and not labels:
        raise typer.BadParameter("nothing to change: give --description, --label or --unlabel")
    with Client() as client:
        artifact = client.update_artifact(name, description=description, labels=labels)
    if as_json:
        emit_json(artifact)
        return
    print_artifact(artifact)


@artifact_app.command("archive")
@reports_errors
def archive(name: Name, as_json: JsonOption = False) -> None:
    """Hide an artifact from `kamld ls` and refuse new versions; its versions stay readable (admin)."""
    with Client() as client:
        artifact = client.archive(name)
    if as_json:
        emit_json(artifact)
        return
    out().print(f"archived {artifact.name}", markup=False, highlight=False)


@artifact_app.command("unarchive")
@reports_errors
def unarchive(name: Name, as_json: JsonOption = False) -> None:
    """Restore an archived artifact (admin)."""
    with Client() as client:
        artifact = client.unarchive(name)
    if as_json:
        emit_json(artifact)
        return
    out().print(f"unarchived {artifact.name}", markup=False, highlight=False)
