"""Webhook commands: ``kamld webhook add|ls|rm|deliveries`` (admin)."""

from __future__ import annotations

from typing import Annotated

import typer

from kamld.cli import app
from kamld.cli.output import JsonOption, emit_json, new_table, out, reports_errors
from kamld.client import Client

webhook_app = typer.Typer(help="Send events to your URLs, signed (admin)", no_args_is_help=True)
app.add_typer(webhook_app, name="webhook")


@webhook_app.command("add")
@reports_errors
def webhook_add(
    url: Annotated[str, typer.Argument(help="http(s) URL the events are POSTed to")],
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Only this event type (repeatable)")
    ] = None,
    artifacts: Annotated[
        list[str] | None, typer.Option("--artifact", help="Only this artifact (repeatable)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Subscribe URL to events recorded from now on; prints the signing secret, once."""
    with Client() as client:
        hook = client.webhook_add(url, types=types or [], artifacts=artifacts or [])
    if as_json:
        emit_json(hook)
        return
    out().print(f"webhook {hook.id} -> {hook.url}", markup=False)
    out().print(f"signing secret (shown once): {hook.secret}", markup=False)


@webhook_app.command("ls")
@reports_errors
def webhook_ls(as_json: JsonOption = False) -> None:
    """Every webhook."""
    with Client() as client:
        hooks = client.webhooks()
    if as_json:
        emit_json(hooks)
        return
    table = new_table("id", "url", "types", "artifacts", "by")
    for hook in hooks:
        table.add_row(
            str(hook.id),
            hook.url,
            ",".join(hook.types) or "all",
            ",".join(hook.artifacts) or "all",
            hook.created_by,
        )
    out().print(table)


@webhook_app.command("rm")
@reports_errors
def webhook_rm(
    webhook_id: Annotated[int, typer.Argument(help="Webhook id")], as_json: JsonOption = False
) -> None:
    """Remove a webhook (its pending deliveries are dropped)."""
    with Client() as client:
        client.webhook_remove(webhook_id)
    if as_json:
        emit_json({"id": webhook_id, "removed": True})
        return
    out().print(f"removed webhook {webhook_id}", markup=False)


@webhook_app.command("deliveries")
@reports_errors
def webhook_deliveries(
    webhook_id: Annotated[int, typer.Argument(help="Webhook id")],
    status: Annotated[str | None, typer.Option("--status", help="pending, delivered or dead")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    as_json: JsonOption = False,
) -> None:
    """A webhook's delivery log, newest first."""
    import itertools

    with Client() as client:
        found = list(itertools.islice(client.webhook_deliveries(webhook_id, status=status), limit))
    if as_json:
        emit_json(found)
        return
    table = new_table("id", "event", "type", "status", "attempts", "answer", "error")
    for d in found:
        table.add_row(
            str(d.id),
            str(d.event_id),
            d.event_type,
            d.status,
            str(d.attempts),
            str(d.response_status or "-"),
            d.error or "",
        )
    out().print(table)
