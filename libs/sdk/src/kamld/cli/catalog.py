"""Catalog commands: push, pull, log, show, ls, diff, lineage, token, gc.

Every command takes ``--json`` for scripts. Errors print one line (the server's detail, plus
"did you mean …?" when it has suggestions), or a JSON object under ``--json``, and exit with the
code of their class (:mod:`kamld.cli.exits`); never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from kamld.cli import app
from kamld.cli.exits import exit_code_for
from kamld.cli.output import (
    JsonOption,
    emit_json,
    err,
    literal,
    new_table,
    out,
    reports_errors,
    transfer_bars,
)
from kamld.client import Client
from kamld.errors import LocalChangesError
from kamld.models import FileChange, Lineage, Version

if TYPE_CHECKING:
    from rich.progress import Progress
    from rich.tree import Tree

token_app = typer.Typer(help="API tokens (admin)", no_args_is_help=True)
app.add_typer(token_app, name="token")


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


ROLES: dict[str, Literal["viewer", "editor", "admin"]] = {
    "viewer": "viewer",
    "editor": "editor",
    "admin": "admin",
}


def _input_spec(item: str) -> str | tuple[str, str]:
    """``--input`` as the client takes it: ``ROLE=REF`` as a pair, a bare ``REF`` as it is."""
    role, equals, ref = item.partition("=")
    return (role, ref) if equals else item


def parse_pairs(values: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{what} {value!r} must be KEY=VALUE")
        pairs[key] = val
    return pairs


class PushProgress:
    """Live bars of a push: bytes hashed, bytes sent, and bytes the platform already had (deduplicated)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.hashed = progress.add_task("hashed", total=None)
        self.sent = progress.add_task("sent", total=None)
        self.deduplicated = progress.add_task("deduplicated", total=None)

    def __call__(self, event: Any) -> None:
        if event.phase == "scan":
            self.progress.update(self.hashed, completed=event.done, total=event.total)
        elif event.phase == "upload":
            self.progress.update(self.sent, completed=event.done, total=event.total)
        elif event.phase == "deduplicated":
            # Of the bytes checked against the server so far, those it already had.
            self.progress.update(self.deduplicated, completed=event.done, total=event.total or None)


class PullProgress:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("downloaded", total=None)

    def __call__(self, event: Any) -> None:
        self.progress.update(self.task, completed=event.done, total=event.total)


@app.command()
@reports_errors
def push(
    directory: Annotated[Path, typer.Argument(help="Directory to version", exists=True, file_okay=False)],
    name: Annotated[str, typer.Argument(help="Artifact name")],
    message: Annotated[str, typer.Option("-m", "--message", help="What changed")] = "",
    kind: Annotated[
        str | None, typer.Option(help="dataset, model or code: the kind of a new artifact (default dataset)")
    ] = None,
    input_: Annotated[list[str], typer.Option("--input", help="REF[=ROLE] this version was made from")] = [],  # noqa: B006
    label: Annotated[
        list[str], typer.Option("--label", help="KEY=VALUE label set on the artifact (repeatable)")
    ] = [],  # noqa: B006
    description: Annotated[
        str | None, typer.Option("--description", help="The artifact's description (replaces the old one)")
    ] = None,
    metadata: Annotated[
        list[str],
        typer.Option(
            "--metadata", help="KEY=VALUE of this version (numbers and true/false stay JSON; repeatable)"
        ),
    ] = [],  # noqa: B006
    metadata_file: Annotated[
        Path | None,
        typer.Option("--metadata-file", help="JSON object file of version metadata, e.g. metrics.json"),
    ] = None,
    expect_parent: Annotated[
        str | None, typer.Option("--expect-parent", help="Refuse unless REF is the newest")
    ] = None,
    allow_empty: Annotated[
        bool,
        typer.Option("--allow-empty", help="Record a new version even if the newest one holds this content"),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Push DIRECTORY as the next version of NAME (only chunks the platform lacks are sent).

    Every reference and option is checked before anything is uploaded. A directory identical to
    the newest version records nothing (exit 0) unless --allow-empty.
    """
    from kamld.push_options import metadata_file as read_metadata_file
    from kamld.push_options import metadata_pairs

    inputs = [_input_spec(item) for item in input_]
    labels = parse_pairs(label, "label")
    version_metadata = {
        **(read_metadata_file(metadata_file) if metadata_file else {}),
        **metadata_pairs(metadata),
    }
    with Client() as client:
        with transfer_bars(enabled=not as_json) as bars:
            version = client.push(
                directory,
                name,
                message=message,
                kind=kind,
                inputs=inputs,
                labels=labels,
                description=description,
                expected_parent=expect_parent,
                metadata=version_metadata,
                allow_empty=allow_empty,
                progress=PushProgress(bars) if bars is not None else None,
            )
    if as_json:
        emit_json(version)
        return
    if version.unchanged:
        out().print(
            f"nothing changed: {version.ref} already holds this content", markup=False, highlight=False
        )
        dropped = [
            option
            for option, given in (
                ("--message", message),
                ("--metadata", version_metadata),
                ("--input", inputs),
            )
            if given
        ]
        if dropped:
            err().print(
                f"not recorded: {', '.join(dropped)} (--allow-empty records a new version)",
                markup=False,
                highlight=False,
            )
        applied = [option for option, given in (("--label", labels), ("--description", description)) if given]
        if applied:
            err().print(f"applied to {name}: {', '.join(applied)}", markup=False, highlight=False)
        return
    out().print(
        f"pushed {version.ref}: {version.file_count} files, "
        f"{human_size(version.total_bytes)}; sent {human_size(version.bytes_sent)}, "
        f"{human_size(version.bytes_deduplicated)} already stored; digest {version.digest[:19]}…",
        markup=False,
        highlight=False,
    )


UNTRACKED_SHOWN = 20


@app.command()
@reports_errors
def pull(
    ref: Annotated[str, typer.Argument(help="NAME[:REF][/PATH]: a version, or one folder of it")],
    directory: Annotated[Path, typer.Argument(help="Where to write the files")],
    include: Annotated[
        list[str], typer.Option("--include", help="Only paths matching GLOB (repeatable)")
    ] = [],  # noqa: B006
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite and remove local changes instead of refusing")
    ] = False,
    buffered: Annotated[
        bool,
        typer.Option(
            "--buffered",
            envvar="KAMLD_PULL_BUFFERED",
            help="Write large files through the page cache (kept cached for reading right after) "
            "instead of straight to the disk",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make DIRECTORY exactly a version: write what it lacks (reusing local chunks), remove what the
    version lacks; refuse, writing nothing, where that would destroy local changes."""
    try:
        with Client() as client, transfer_bars(enabled=not as_json) as bars:
            result = client.pull(
                ref,
                directory,
                include=include,
                force=force,
                progress=PullProgress(bars) if bars is not None else None,
                direct_writes=not buffered,
            )
    except LocalChangesError as exc:
        if as_json:
            raise  # reported as JSON with its "conflicts"
        err().print(f"[red]error:[/red] {literal(exc)}", highlight=False, soft_wrap=True)
        for path, reason in exc.conflicts:
            err().print(f"  {literal(path)}: {reason}", highlight=False, soft_wrap=True)
        raise typer.Exit(exit_code_for(exc)) from None
    if as_json:
        emit_json(result)
        return
    out().print(
        f"pulled [bold]{literal(result.version.ref)}[/bold] into {literal(result.directory)}: "
        f"{result.files_written} written, {result.files_unchanged} already there, "
        f"{result.files_removed} removed; {human_size(result.bytes_downloaded)} downloaded, "
        f"{human_size(result.bytes_reused)} reused from local files",
        highlight=False,
    )
    if result.untracked:
        err().print(f"kept {len(result.untracked)} untracked files:", highlight=False)
        for path in result.untracked[:UNTRACKED_SHOWN]:
            err().print(f"  {literal(path)}", highlight=False, soft_wrap=True)
        if len(result.untracked) > UNTRACKED_SHOWN:
            err().print(f"  … and {len(result.untracked) - UNTRACKED_SHOWN} more (all in --json)")


@app.command()
@reports_errors
def log(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    limit: Annotated[int | None, typer.Option("-n", "--limit", help="At most N versions")] = None,
    as_json: JsonOption = False,
) -> None:
    """The versions of an artifact, newest first."""
    with Client() as client:
        versions = list(client.log(name, limit=limit))
    if as_json:
        emit_json(versions)
        return
    table = new_table("version", "aliases", "files", "size", "author", "created", "message")
    for v in versions:
        table.add_row(
            v.name,
            ",".join(v.aliases),
            str(v.file_count),
            human_size(v.total_bytes),
            v.author,
            v.created_at.strftime("%Y-%m-%d %H:%M"),
            v.message.splitlines()[0] if v.message else "",
        )
    out().print(table)


@app.command()
@reports_errors
def show(ref: Annotated[str, typer.Argument(help="NAME[:REF]")], as_json: JsonOption = False) -> None:
    """One version: digest, parents, inputs, aliases, metadata."""
    with Client() as client:
        version = client.show(ref)
        if as_json:
            emit_json(version)
            return
        show_version(client, version)


def profile_lines(client: Client, ref: str) -> list[str]:
    """The profile summary `show` prints; nothing from a platform that profiles nothing."""
    from kamld.cli.search import profile_line
    from kamld.errors import NotFound
    from kamld.models import VersionProfile

    try:
        found = client.profile(ref)
    except NotFound:
        return []
    return profile_line(found) if isinstance(found, VersionProfile) else []


def show_version(client: Client, version: Version) -> None:
    out().print(f"[bold]{literal(version.ref)}[/bold] ({literal(version.kind)})  {version.digest}")
    out().print(f"  author   {literal(version.author)}  {version.created_at:%Y-%m-%d %H:%M:%S %Z}")
    out().print(f"  files    {version.file_count} ({human_size(version.total_bytes)})")
    if version.aliases:
        out().print(f"  aliases  {literal(', '.join(version.aliases))}")
    if version.parents:
        out().print(f"  parents  {literal(', '.join(p.ref for p in version.parents))}")
    for link in version.inputs:
        out().print(f"  input    {literal(link.ref)} ({literal(link.role)})")
    for key, value in version.metadata.items():
        if key == "model" and isinstance(value, dict):
            _print_model(value)
            continue
        if key == "run" and isinstance(value, dict):
            _print_training(value)
            continue
        shown = value if isinstance(value, str) else json.dumps(value)
        out().print(f"  metadata {key} = {shown}", markup=False, highlight=False)
    for line in profile_lines(client, version.ref):
        out().print(f"  {line}", markup=False, highlight=False)
    if version.message:
        out().print(f"\n    {literal(version.message)}")


def _tensor(item: dict[str, Any]) -> str:
    shape = item.get("shape")
    dims = "?" if shape is None else ", ".join("?" if d is None else str(d) for d in shape)
    return f"{item.get('name', '')}: {item.get('type', '?')}[{dims}]"


def _print_model(model: dict[str, Any]) -> None:
    """A model version's formats and signature (``metadata.model``, recorded by the push)."""
    console = out()
    formats = ", ".join(f"{f.get('path')} ({f.get('format')})" for f in model.get("files", []))
    console.print(f"  model    {formats}", markup=False, highlight=False)
    signature = model.get("signature") or {}
    for item in signature.get("inputs", []):
        console.print(f"    input  {_tensor(item)}", markup=False, highlight=False)
    for item in signature.get("outputs", []):
        console.print(f"    output {_tensor(item)}", markup=False, highlight=False)


def _print_training(run: dict[str, Any]) -> None:
    """The run that produced a version (``metadata.run``): id, what ran, params and metrics."""
    console = out()
    what = run.get("recipe") or run.get("code") or "by hand"
    console.print(f"  run      {run.get('id')} ({what})", markup=False, highlight=False)
    params = ", ".join(f"{k}={v}" for k, v in (run.get("params") or {}).items())
    metrics = ", ".join(
        f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in (run.get("metrics") or {}).items()
    )
    if params:
        console.print(f"    params  {params}", markup=False, highlight=False)
    if metrics:
        console.print(f"    metrics {metrics}", markup=False, highlight=False)


@app.command("ls")
@reports_errors
def ls(
    ref: Annotated[
        str | None, typer.Argument(help="NAME[:REF][/FOLDER]; none lists artifacts", show_default=False)
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only artifacts of this kind: dataset, model or code")
    ] = None,
    label: Annotated[
        list[str], typer.Option("--label", help="Only artifacts with label KEY=VALUE (or KEY); repeatable")
    ] = [],  # noqa: B006
    archived: Annotated[bool, typer.Option("--archived", help="Include archived artifacts")] = False,
    as_json: JsonOption = False,
) -> None:
    """List artifacts, or the files of a version (under FOLDER, a path prefix by whole segments)."""
    with Client() as client:
        if ref is None:
            artifacts = list(client.artifacts(kind=kind, labels=label, include_archived=archived))
            if as_json:
                emit_json(artifacts)
                return
            table = new_table("name", "kind", "versions", "latest", "labels", "description")
            table.columns[0].no_wrap = True
            for a in artifacts:
                table.add_row(
                    a.name + (" (archived)" if a.archived else ""),
                    a.kind,
                    str(a.version_count),
                    a.latest.name if a.latest else "-",
                    ",".join(f"{k}={v}" for k, v in sorted(a.labels.items())),
                    a.description,
                )
            out().print(table)
            return
        if kind or label or archived:
            raise typer.BadParameter("--kind, --label and --archived filter artifacts: give no REF")
        files = list(client.ls(ref))
    if as_json:
        emit_json(files)
        return
    table = new_table("size", "path")
    for f in files:
        table.add_row(human_size(f.size), f.path)
    out().print(table)


def _diff_with_directory(side_a: str, side_b: str, as_json: bool) -> None:
    """``diff REF DIR`` (what the directory changed) or ``diff DIR REF`` (the same, reversed)."""
    directory_first = Path(side_a).is_dir()
    ref, directory = (side_b, side_a) if directory_first else (side_a, side_b)
    with Client() as client:
        changes = client.diff_directory(ref, directory)
    if directory_first:
        flipped: dict[str, Literal["added", "removed", "modified"]] = {
            "added": "removed",
            "removed": "added",
            "modified": "modified",
        }
        changes = [
            FileChange(
                change=flipped[c.change],
                path=c.path,
                old_size=c.new_size,
                new_size=c.old_size,
                old_digest=c.new_digest,
                new_digest=c.old_digest,
            )
            for c in changes
        ]
    if as_json:
        emit_json({"from": side_a, "to": side_b, "changes": [c.to_dict() for c in changes]})
        return
    out().print(f"{literal(side_a)} -> {literal(side_b)}: {len(changes)} changes", highlight=False)
    _print_changes(changes)


@app.command()
@reports_errors
def diff(
    ref_a: Annotated[str, typer.Argument(help="NAME:REF (older), or a local directory")],
    ref_b: Annotated[str, typer.Argument(help="NAME:REF or REF (newer), or a local directory")],
    rows: Annotated[
        str | None, typer.Option("--rows", help="Compare the rows of this table (CSV, TSV, Parquet, JSONL)")
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="With --rows: match rows by this column")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="With --rows: rows per page")] = 100,
    after: Annotated[str | None, typer.Option("--after", help="With --rows: the `more:` cursor")] = None,
    as_json: JsonOption = False,
) -> None:
    """Files added, removed and modified between two versions, or between a version and a
    directory (its local changes), with sizes; with --rows, the rows of one table."""
    if rows is not None:
        from kamld.cli.search import print_row_diff

        with Client() as client:
            found = client.diff_rows(ref_a, ref_b, rows, key=key, after=after, limit=limit)
        if as_json:
            emit_json(found)
            return
        print_row_diff(found)
        return
    if key is not None:
        raise typer.BadParameter("--key goes with --rows", param_hint="--key")
    if Path(ref_a).is_dir() or Path(ref_b).is_dir():
        if Path(ref_a).is_dir() and Path(ref_b).is_dir():
            raise typer.BadParameter(
                "diff compares a version with a version or a directory, not two directories"
            )
        _diff_with_directory(ref_a, ref_b, as_json)
        return
    from kamld.model_diff import explain

    with Client() as client:
        result = client.diff(ref_a, ref_b)
        training = None
        if result.from_version.artifact == result.to_version.artifact:
            versions = client.show(result.from_version.ref), client.show(result.to_version.ref)
            if versions[0].kind == "model":
                training = explain(client, *versions)
    if as_json:
        emit_json(result if training is None else {**result.to_dict(), "training": training})
        return
    span = f"{result.from_version.ref} -> {result.to_version.ref}"
    out().print(f"{literal(span)}: {len(result.changes)} changes")
    _print_changes(result.changes)
    if training is not None:
        _print_training_diff(training)


def _print_training_diff(training: dict[str, Any]) -> None:
    """Why the model changed: params and metrics side by side, code and inputs that differ."""
    console = out()
    console.print(f"\ntraining: run {training['runs']['from']} -> run {training['runs']['to']}", markup=False)
    for title in ("params", "metrics"):
        rows = training[title]
        if not rows:
            continue
        table = new_table(title[:-1], "from", "to", "")
        for row in rows:
            changed = "*" if row["from"] != row["to"] else ""
            table.add_row(row["key"], _cell(row["from"]), _cell(row["to"]), changed)
        console.print(table)
    code = training["code"]
    if code["changed"]:
        console.print(f"code: {code['from']} -> {code['to']}", markup=False)
        if code.get("changes"):
            _print_changes([FileChange(**c) for c in code["changes"]])
    for item in training["inputs"]:
        if item["changed"]:
            console.print(f"input {item['role']}: {item['from']} -> {item['to']}", markup=False)
            if item.get("changes"):
                _print_changes([FileChange(**c) for c in item["changes"]])
        else:
            console.print(f"input {item['role']}: {item['from']} (same)", markup=False)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _print_changes(changes: list[FileChange]) -> None:
    marks = {
        "added": "[green]+[/green]",
        "removed": "[red]-[/red]",
        "modified": "[yellow]M[/yellow]",
        "renamed": "[cyan]R[/cyan]",
    }
    for c in changes:
        if c.change == "modified":
            sizes = f"{human_size(c.old_size)} -> {human_size(c.new_size)}"
        elif c.change == "removed":
            sizes = human_size(c.old_size)
        else:
            sizes = human_size(c.new_size)
        label = f"{c.old_path} -> {c.path}" if c.change == "renamed" else c.path
        out().print(f"{marks[c.change]} {literal(label)}  ({sizes})", highlight=False)


def lineage_tree(graph: Lineage, upstream: bool) -> Tree:
    from rich.tree import Tree

    nodes = {n.ref: n for n in graph.nodes}
    children: dict[str, list[tuple[str, str]]] = {}
    for e in graph.edges:
        key, other = (e.target, e.source) if upstream else (e.source, e.target)
        children.setdefault(key, []).append((other, e.role))

    def label(ref: str, role: str | None) -> str:
        node = nodes.get(ref)
        kind = f" [dim]{literal(node.kind)}[/dim]" if node else ""
        return f"{literal(ref)}{kind}" + (f" [cyan]({literal(role)})[/cyan]" if role else "")

    tree = Tree(label(graph.root, None))

    def grow(branch: Tree, ref: str, seen: frozenset[str]) -> None:
        for other, role in sorted(children.get(ref, [])):
            child = branch.add(label(other, role))
            if other not in seen:
                grow(child, other, seen | {other})

    grow(tree, graph.root, frozenset({graph.root}))
    return tree


@app.command()
@reports_errors
def lineage(
    ref: Annotated[str, typer.Argument(help="NAME[:REF]")],
    up: Annotated[bool, typer.Option("--up", help="What it was made from (default)")] = False,
    down: Annotated[bool, typer.Option("--down", help="What was made from it")] = False,
    depth: Annotated[int, typer.Option(help="How many hops to follow", min=1, max=100)] = 10,
    as_json: JsonOption = False,
) -> None:
    """The lineage of a version as a tree: parents and inputs (--up) or what used it (--down)."""
    if up and down:
        raise typer.BadParameter("choose one of --up and --down")
    direction: Literal["up", "down"] = "down" if down else "up"
    with Client() as client:
        graph = client.lineage(ref, direction=direction, depth=depth)
    if as_json:
        emit_json(graph)
        return
    out().print(lineage_tree(graph, upstream=direction == "up"))


@token_app.command("create")
@reports_errors
def token_create(
    name: Annotated[str, typer.Argument(help="Token name")],
    role: Annotated[str, typer.Option(help="viewer, editor or admin")] = "viewer",
    s3: Annotated[bool, typer.Option("--s3", help="Also issue an S3 access key for the S3 endpoint")] = False,
    as_json: JsonOption = False,
) -> None:
    """Create a token; its secret (and with --s3 its S3 secret key) is printed once."""
    checked = ROLES.get(role)
    if checked is None:
        raise typer.BadParameter("role must be viewer, editor or admin", param_hint="--role")
    with Client() as client:
        created = client.token_create(name, checked, s3=s3)
    if as_json:
        emit_json(created)
        return
    err().print(
        f"created {literal(created.role)} token {literal(repr(created.name))}; "
        "store it now, it is not shown again:"
    )
    out().print(created.token, highlight=False, markup=False)
    if created.s3_access_key_id:
        out().print(f"aws_access_key_id = {created.s3_access_key_id}", highlight=False, markup=False)
        out().print(f"aws_secret_access_key = {created.s3_secret_access_key}", highlight=False, markup=False)


@token_app.command("ls")
@reports_errors
def token_ls(as_json: JsonOption = False) -> None:
    """Every token with its role and when it was last used."""
    with Client() as client:
        tokens = client.tokens()
    if as_json:
        emit_json(tokens)
        return
    table = new_table("name", "role", "hint", "created", "last used")
    for t in tokens:
        table.add_row(
            t.name,
            t.role,
            t.hint + "…",
            t.created_at.strftime("%Y-%m-%d %H:%M"),
            t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never",
        )
    out().print(table)


@token_app.command("revoke")
@reports_errors
def token_revoke(
    name: Annotated[str, typer.Argument(help="Token name")], as_json: JsonOption = False
) -> None:
    """Revoke a token at once."""
    with Client() as client:
        client.token_revoke(name)
    if as_json:
        emit_json({"revoked": name})
        return
    out().print(f"revoked token {name!r}", markup=False)


@app.command()
@reports_errors
def gc(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only report what would be deleted")] = False,
    grace: Annotated[
        int | None,
        typer.Option("--grace", min=0, help="Seconds content must be unreferenced (default: server's)"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Delete content no version and no open upload references (admin)."""
    with Client() as client:
        with out().status("collecting garbage…"):
            report = client.gc(dry_run=dry_run, grace_s=grace)
    if as_json:
        emit_json(report)
        return
    verb = "would delete" if report.dry_run else "deleted"
    out().print(
        f"{verb} {report.objects} objects ({human_size(report.bytes)}); "
        f"kept {report.marked} referenced objects"
    )
