"""Alias commands: ``kamld alias set|ls|history|rm`` and ``kamld alias policy set|show|rm``."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

import typer

from kamld.cli import app
from kamld.cli.exits import ExitCode
from kamld.cli.output import JsonOption, emit_json, err, new_table, out, reports_errors
from kamld.client import Client
from kamld.errors import Conflict
from kamld.models import AliasPolicy

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
    override: Annotated[
        str | None,
        typer.Option("--override", help="Admins: move past the alias's promotion policy, for this reason"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Point ALIAS of NAME at a version (the move is recorded). When the alias has a promotion
    policy the version must pass it; an admin may move anyway with --override REASON."""
    with Client() as client:
        try:
            result = client.alias_set(name, alias, ref, expected_version=expected, override_reason=override)
        except Conflict as exc:
            if exc.code != "promotion_refused" or as_json:
                raise
            _print_refusal(name, alias, exc)
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
    overrides = any(e.override_reason for e in events)
    table = new_table("at", "action", "from", "to", "by", *(["override"] if overrides else []))
    for e in events:
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.action,
            f"v{e.from_version}" if e.from_version else "-",
            f"v{e.to_version}" if e.to_version else "-",
            e.actor,
            *([_override_cell(e.override_reason, len(e.overridden))] if overrides else []),
        )
    out().print(table)


def _override_cell(reason: str | None, refusals: int) -> str:
    if reason is None:
        return ""
    past = f" (past {refusals} refusal{'s' if refusals != 1 else ''})" if refusals else ""
    return f"{reason}{past}"


def _print_refusal(name: str, alias: str, exc: Conflict) -> None:
    """Every reason the policy gave, one a line, then exit as a conflict."""
    candidate = exc.problem.get("candidate") or "the version"
    console = err()
    console.print(
        f"error: moving {name}:{alias} to {candidate} is refused by its promotion policy:",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    for reason in exc.problem.get("reasons") or []:
        console.print(
            f"  - {reason.get('rule')}: {reason.get('message')}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print("an admin may move it anyway: --override REASON", markup=False, highlight=False)
    raise typer.Exit(int(ExitCode.CONFLICT))


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


policy_app = typer.Typer(
    help="Promotion gates: rules a version must pass before an alias may point at it", no_args_is_help=True
)
alias_app.add_typer(policy_app, name="policy")


def _metric_rule(spec: str) -> dict[str, Any]:
    """``METRIC:max|min[:TOLERANCE]`` -> a metric_not_worse rule."""
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not parts[0] or parts[1] not in ("max", "min"):
        raise typer.BadParameter(
            f"{spec!r} must be METRIC:max|min[:TOLERANCE], e.g. accuracy:max", param_hint="--require-metric"
        )
    rule: dict[str, Any] = {"rule": "metric_not_worse", "metric": parts[0], "direction": parts[1]}
    if len(parts) == 3:
        rule["tolerance"] = _number(parts[2], spec, "--require-metric")
    return rule


def _number(text: str, spec: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise typer.BadParameter(f"{spec!r}: {text!r} is not a number", param_hint=option)
    return value


def _bounds(specs: list[str], bound: str, option: str, rules: dict[str, dict[str, Any]]) -> None:
    """``METRIC=VALUE`` -> the ``bound`` (min or max) of that metric's threshold rule."""
    for spec in specs:
        metric, sep, value = spec.partition("=")
        if not sep or not metric:
            raise typer.BadParameter(f"{spec!r} must be METRIC=VALUE, e.g. f1=0.8", param_hint=option)
        rules.setdefault(metric, {"rule": "metric_threshold", "metric": metric})[bound] = _number(
            value, spec, option
        )


def _metadata_rule(spec: str) -> dict[str, Any]:
    """``KEY`` (present) or ``KEY=VALUE`` (equal; VALUE read as JSON where it is JSON: true, 3)."""
    key, sep, text = spec.partition("=")
    rule: dict[str, Any] = {"rule": "requires_metadata", "key": key}
    if sep:
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        rule["value"] = value if isinstance(value, (str, int, float, bool)) else text
    return rule


def describe(rule: dict[str, Any]) -> str:
    """One rule in words."""
    kind = rule.get("rule")
    if kind == "metric_not_worse":
        better = "higher" if rule.get("direction", "max") == "max" else "lower"
        tolerance = rule.get("tolerance") or 0
        within = f" within {tolerance:g}" if tolerance else ""
        return f"{rule['metric']} not worse than the current holder's ({better} is better){within}"
    if kind == "metric_threshold":
        parts = []
        if rule.get("min") is not None:
            parts.append(f">= {rule['min']:g}")
        if rule.get("max") is not None:
            parts.append(f"<= {rule['max']:g}")
        return f"{rule['metric']} {' and '.join(parts)}"
    if kind == "signature_matches_inputs":
        role = f" in role {rule['role']}" if rule.get("role") else ""
        ignored = f", ignoring {', '.join(rule['ignore_columns'])}" if rule.get("ignore_columns") else ""
        return f"ONNX signature inputs match the columns of the training data{role}{ignored}"
    if kind == "requires_metadata":
        wanted = f" = {json.dumps(rule['value'])}" if rule.get("value") is not None else " present"
        return f"metadata {rule['key']}{wanted}"
    return json.dumps(rule)


def _print_policy(policy: AliasPolicy) -> None:
    console = out()
    console.print(f"{policy.artifact}:{policy.alias} promotion policy", markup=False, highlight=False)
    for rule in policy.rules:
        console.print(f"  {rule.get('rule')}: {describe(rule)}", markup=False, highlight=False)
    console.print(
        f"set by {policy.updated_by} at {policy.updated_at.strftime('%Y-%m-%d %H:%M:%S')}",
        markup=False,
        highlight=False,
    )


@policy_app.command("set")
@reports_errors
def policy_set(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    alias: Annotated[str, typer.Argument(help="Alias, e.g. production")],
    require_metric: Annotated[
        list[str],
        typer.Option(
            "--require-metric",
            help="METRIC:max|min[:TOLERANCE]: the candidate's metric not worse than the current holder's",
        ),
    ] = [],  # noqa: B006
    min_metric: Annotated[
        list[str], typer.Option("--min-metric", help="METRIC=VALUE: the candidate's metric at least VALUE")
    ] = [],  # noqa: B006
    max_metric: Annotated[
        list[str], typer.Option("--max-metric", help="METRIC=VALUE: the candidate's metric at most VALUE")
    ] = [],  # noqa: B006
    signature_matches_inputs: Annotated[
        bool,
        typer.Option(
            "--signature-matches-inputs",
            help="The candidate's ONNX signature inputs match the columns of the data it was trained on",
        ),
    ] = False,
    input_role: Annotated[
        str | None,
        typer.Option("--input-role", help="With --signature-matches-inputs: only inputs in this role"),
    ] = None,
    ignore_column: Annotated[
        list[str],
        typer.Option(
            "--ignore-column", help="With --signature-matches-inputs: a column that is no model input"
        ),
    ] = [],  # noqa: B006
    require_metadata: Annotated[
        list[str],
        typer.Option("--require-metadata", help="KEY or KEY=VALUE the candidate's metadata must hold"),
    ] = [],  # noqa: B006
    as_json: JsonOption = False,
) -> None:
    """Set the promotion policy of ALIAS (admin): every later move must pass all its rules."""
    rules = [_metric_rule(spec) for spec in require_metric]
    thresholds: dict[str, dict[str, Any]] = {}
    _bounds(min_metric, "min", "--min-metric", thresholds)
    _bounds(max_metric, "max", "--max-metric", thresholds)
    rules.extend(thresholds.values())
    if (input_role or ignore_column) and not signature_matches_inputs:
        raise typer.BadParameter("--input-role and --ignore-column go with --signature-matches-inputs")
    if signature_matches_inputs:
        signature: dict[str, Any] = {"rule": "signature_matches_inputs"}
        if input_role:
            signature["role"] = input_role
        if ignore_column:
            signature["ignore_columns"] = list(ignore_column)
        rules.append(signature)
    rules.extend(_metadata_rule(spec) for spec in require_metadata)
    if not rules:
        raise typer.BadParameter(
            "no rule given: use --require-metric, --min-metric, --max-metric, --signature-matches-inputs "
            "or --require-metadata (kamld alias policy rm removes a policy)"
        )
    with Client() as client:
        policy = client.alias_policy_set(name, alias, rules)
    if as_json:
        emit_json(policy)
        return
    _print_policy(policy)


@policy_app.command("show")
@reports_errors
def policy_show(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    alias: Annotated[str, typer.Argument(help="Alias")],
    as_json: JsonOption = False,
) -> None:
    """The promotion policy of ALIAS."""
    with Client() as client:
        policy = client.alias_policy(name, alias)
    if as_json:
        emit_json(policy)
        return
    _print_policy(policy)


@policy_app.command("rm")
@reports_errors
def policy_rm(
    name: Annotated[str, typer.Argument(help="Artifact name")],
    alias: Annotated[str, typer.Argument(help="Alias")],
    as_json: JsonOption = False,
) -> None:
    """Remove the promotion policy of ALIAS (admin): it moves freely again."""
    with Client() as client:
        client.alias_policy_delete(name, alias)
    if as_json:
        emit_json({"artifact": name, "alias": alias, "policy_removed": True})
        return
    out().print(f"removed the promotion policy of {name}:{alias}", markup=False)
