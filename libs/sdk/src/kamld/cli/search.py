"""``kamld search`` and ``kamld admin reindex``: the catalog's search index."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from kamld.cli import app
from kamld.cli.output import JsonOption, emit_json, literal, new_table, out, reports_errors
from kamld.client import Client
from kamld.models import RowDiff, SearchHighlight, SearchResults, VersionProfile

if TYPE_CHECKING:
    from rich.text import Text

admin_app = typer.Typer(help="Platform administration (admin)", no_args_is_help=True)
app.add_typer(admin_app, name="admin")

TYPES = ("artifact", "version", "file", "column")


def marked(highlight: SearchHighlight, style: str = "") -> Text:
    """The highlight's text with its matches in bold."""
    from rich.text import Text

    text = Text(highlight.text, style=style)
    for start, end in highlight.spans:
        text.stylize("bold yellow", start, end)
    return text


def print_results(results: SearchResults) -> None:
    from rich.text import Text

    if not results.items:
        out().print("no matches")
        return
    table = new_table("type", "ref", "match")
    for hit in results.items:
        body = next((h for h in hit.highlights if h.field == "body"), None)
        title = next((h for h in hit.highlights if h.field == "title"), None)
        shown = marked(title) if title else Text(hit.title)
        if body is not None:
            shown.append("  ")
            shown.append_text(marked(body, "dim"))
        table.add_row(hit.type, hit.ref, shown)
    out().print(table)
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(results.facets.kind.items()))
    labels = ", ".join(f"{f.key}={f.value} {f.count}" for f in results.facets.label[:8])
    out().print(
        f"{results.total} matches ({literal(kinds)})" + (f"; labels: {literal(labels)}" if labels else "")
    )
    if results.next:
        out().print(f"more: --after {results.next}", highlight=False)


@app.command()
@reports_errors
def search(
    query: Annotated[str, typer.Argument(help='Words, "phrases", -excluded, a OR b, prefix*')],
    kind: Annotated[str | None, typer.Option("--kind", help="Only artifacts of this kind")] = None,
    label: Annotated[
        list[str], typer.Option("--label", help="Only artifacts with label KEY=VALUE (or KEY); repeatable")
    ] = [],  # noqa: B006
    type_: Annotated[
        list[str], typer.Option("--type", help="artifact, version, file or column; repeatable")
    ] = [],  # noqa: B006
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="Hits per page")] = 20,
    after: Annotated[
        str | None, typer.Option("--after", help="The `more:` cursor of the previous page")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Find artifacts, versions, files and columns by name, path, description, message, metadata."""
    for item in type_:
        if item not in TYPES:
            raise typer.BadParameter(f"{item!r} is not one of {', '.join(TYPES)}", param_hint="--type")
    with Client() as client:
        results = client.search(query, kind=kind, labels=label, types=type_, after=after, limit=limit)
    if as_json:
        emit_json(results)
        return
    print_results(results)


@admin_app.command("reindex")
@reports_errors
def reindex(as_json: JsonOption = False) -> None:
    """Rebuild the search index from the catalog; searches answer from the old index until it is done."""
    with Client() as client:
        queued = client.reindex()
    if as_json:
        emit_json(queued)
        return
    out().print(f"rebuild of the {queued.engine} search index queued", highlight=False)


@app.command()
@reports_errors
def recall(
    ref: Annotated[str | None, typer.Argument(help="NAME[:REF]/PATH of a file", show_default=False)] = None,
    digest: Annotated[str | None, typer.Option("--digest", help="Or the content digest, blake3:…")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every version holding this exact content, what was made from them, and the aliases on them now."""
    if (ref is None) == (digest is None):
        raise typer.BadParameter("give REF/PATH or --digest (one of them)")
    with Client() as client:
        found = client.recall(ref, digest=digest)
    if as_json:
        emit_json(found)
        return
    out().print(f"content {found.digest}", highlight=False)
    if not found.contains:
        out().print("  held by no indexed version")
    for version in found.contains:
        aliases = f"  [{', '.join(version.aliases)}]" if version.aliases else ""
        out().print(
            f"  holds      {version.ref}{aliases}  {', '.join(version.paths)}", markup=False, highlight=False
        )
    for below in found.downstream:
        aliases = f"  [{', '.join(below.aliases)}]" if below.aliases else ""
        chain = " <- ".join(below.made_from)
        out().print(
            f"  made from  {below.ref} ({below.kind}, {below.role}){aliases}  <- {chain}",
            markup=False,
            highlight=False,
        )
    for alias in found.aliases:
        out().print(
            f"  alias      {alias.artifact}:{alias.alias} -> {alias.ref}", markup=False, highlight=False
        )
    if not found.complete:
        out().print("  (indexing is still running: versions pushed just now may be missing)")
    if found.truncated:
        out().print("  (more versions than one answer lists)")


def profile_line(profile: VersionProfile) -> list[str]:
    """The short account `kamld show` gives of a version's profile."""
    if profile.status == "pending" and not profile.tables and not profile.images:
        return ["profile  pending (the version is being indexed and profiled)"]
    lines = []
    for table in profile.tables:
        if table.status == "unreadable":
            lines.append(f"table    {table.path}: unreadable ({table.reason})")
        else:
            sampled = " (sampled)" if table.status == "sampled" else ""
            lines.append(f"table    {table.path}: {table.rows} rows x {table.columns} columns{sampled}")
    if profile.images:
        images = profile.images
        formats = ", ".join(f"{fmt} {n}" for fmt, n in images.get("formats", {}).items())
        size = ""
        if "width" in images:
            w, h = images["width"], images["height"]
            size = f", {w['min']}-{w['max']} x {h['min']}-{h['max']} px"
        lines.append(f"images   {images['images']} ({formats}){size}")
    if profile.status == "pending":
        lines.append("profile  still pending for the rest")
    return lines


@app.command()
@reports_errors
def profile(
    ref: Annotated[str, typer.Argument(help="NAME[:REF] or NAME[:REF]/PATH of a table")],
    as_json: JsonOption = False,
) -> None:
    """What a version's tables and images hold; with /PATH, one table's column statistics."""
    with Client() as client:
        found = client.profile(ref)
    if as_json:
        emit_json(found)
        return
    if isinstance(found, VersionProfile):
        out().print(found.ref, markup=False, highlight=False)
        for line in profile_line(found) or ["no tables or images"]:
            out().print(f"  {line}", markup=False, highlight=False)
        return
    head = f"{found.ref}/{found.path}  {found.format}, {found.rows} rows, {found.status}"
    out().print(head, markup=False, highlight=False)
    if found.reason:
        out().print(f"  {found.reason}", markup=False, highlight=False)
    table = new_table("column", "type", "nulls", "distinct", "min", "max", "mean", "top values")
    for column in found.columns:
        mean = column.get("mean")
        top = ", ".join(str(v) for v in column.get("top_values", [])[:5])
        table.add_row(
            str(column["name"]),
            str(column["type"]),
            str(column.get("nulls")),
            str(column.get("distinct_approx")),
            str(column.get("min")),
            str(column.get("max")),
            "" if mean is None else f"{mean:.4g}",
            top,
        )
    out().print(table)


def print_row_diff(found: RowDiff) -> None:
    """Schema changes, counts, then one line per changed row."""
    head = f"{found.from_ref} -> {found.to_ref} {found.path}" + (f" (key {found.key})" if found.key else "")
    out().print(head, markup=False, highlight=False)
    schema = found.schema_changes
    for column in schema.added:
        out().print(f"  column + {column.name} {column.type}", markup=False, highlight=False)
    for column in schema.removed:
        out().print(f"  column - {column.name} {column.type}", markup=False, highlight=False)
    for retyped in schema.retyped:
        out().print(
            f"  column ~ {retyped.name} {retyped.old} -> {retyped.new}", markup=False, highlight=False
        )
    counts = found.counts
    out().print(
        f"  rows: {counts.added} added, {counts.removed} removed, {counts.changed} changed", highlight=False
    )
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for row in found.items:
        if row.change == "changed" and row.old is not None and row.new is not None:
            old, new = row.old, row.new
            detail = ", ".join(f"{c}: {old.get(c)!r} -> {new.get(c)!r}" for c in row.columns)
        else:
            detail = json.dumps(row.new if row.change == "added" else row.old, default=str)
        key = f"{row.key!r} " if found.key else ""
        out().print(f"{marks[row.change]} {key}{detail}", markup=False, highlight=False)
    if found.next:
        out().print(f"more: --after {found.next}", highlight=False)
