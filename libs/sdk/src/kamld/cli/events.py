"""``kamld events``: the activity and audit feed, as a table or followed live."""

from __future__ import annotations

import itertools
import json
from typing import Annotated

import msgspec
import typer

from kamld.cli import app
from kamld.cli.output import JsonOption, emit_json, new_table, out, reports_errors
from kamld.client import Client
from kamld.models import Event


def _change(event: Event) -> str:
    """The before -> after of an event in a few words."""
    before = json.dumps(event.before, separators=(",", ":")) if event.before else "-"
    after = json.dumps(event.after, separators=(",", ":")) if event.after else "-"
    return f"{before} -> {after}"


def _line(event: Event) -> str:
    when = event.occurred_at.strftime("%Y-%m-%d %H:%M:%S")
    return f"{when} {event.type:<18} {event.subject} by {event.actor}  {_change(event)}"


@app.command("events")
@reports_errors
def events(
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events as they happen")
    ] = False,
    artifact: Annotated[str | None, typer.Option("--artifact", help="Only events of this artifact")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only events caused by this token")] = None,
    type: Annotated[
        str | None, typer.Option("--type", help="Only events of this type, e.g. alias.set")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only events at or after this ISO 8601 time")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many of the newest events")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Who changed what, newest first; with --follow, new events as they come (JSON lines with --json)."""
    with Client() as client:
        if follow:
            for event in client.follow_events(type=type, artifact=artifact, actor=actor):
                if as_json:
                    out().print(msgspec.json.encode(event).decode(), markup=False, soft_wrap=True)
                else:
                    out().print(_line(event), markup=False, soft_wrap=True)
            return
        found = list(
            itertools.islice(
                client.events(type=type, artifact=artifact, actor=actor, since=since, limit=min(limit, 500)),
                limit,
            )
        )
    if as_json:
        emit_json(found)
        return
    table = new_table("id", "at", "type", "subject", "actor", "change")
    for event in found:
        table.add_row(
            str(event.id),
            event.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
            event.type,
            event.subject,
            event.actor,
            _change(event),
        )
    out().print(table)
