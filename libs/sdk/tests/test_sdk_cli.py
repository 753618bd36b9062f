"""The command line without a platform: every help page, --version, exit codes, JSON errors, and
what it says against HTTP servers that are not KAML-D gateways."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer

from kamld import __version__, errors
from kamld.cli.exits import ExitCode, exit_code_for
from kamld_testing.cli import run_cli
from kamld_testing.loopback import serving


def command_paths() -> list[tuple[str, ...]]:
    """Every command and command group of the app, as the words that call it."""
    from kamld.cli import _register, app

    _register()
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = []

    def walk(command, path: tuple[str, ...]) -> None:  # noqa: ANN001 - a click command
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(root, ())
    return paths


def test_the_walk_finds_the_commands_users_call():
    paths = set(command_paths())
    for path in [("ls",), ("cat",), ("alias", "rm"), ("artifact", "edit"), ("artifact", "archive"), ("up",)]:
        assert path in paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "kamld")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_help_page_renders(path: tuple[str, ...], flag: str, tmp_path: Path):
    result = run_cli(*path, flag, env={"KAMLD_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: kamld")


def test_help_shows_bracketed_synopses_as_written(tmp_path: Path):
    result = run_cli("ls", "--help", env={"KAMLD_HOME": str(tmp_path)})
    assert "NAME[:REF][/FOLDER]" in result.stdout
    assert "KEY=VALUE" in result.stdout


def test_version(tmp_path: Path):
    result = run_cli("--version", env={"KAMLD_HOME": str(tmp_path)})
    assert result.exit_code == 0
    assert result.stdout.strip() == f"kamld {__version__}"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.InvalidInput("x"), ExitCode.USAGE),
        (errors.BadRequest("x"), ExitCode.USAGE),
        (errors.NotFound("x"), ExitCode.NOT_FOUND),
        (errors.Conflict("x"), ExitCode.CONFLICT),
        (errors.Unauthorized("x"), ExitCode.DENIED),
        (errors.Forbidden("x"), ExitCode.DENIED),
        (errors.Unavailable("x"), ExitCode.UNAVAILABLE),
        (errors.ServerError("x"), ExitCode.UNAVAILABLE),
        (errors.ConnectionFailed("x"), ExitCode.UNAVAILABLE),
        (errors.RateLimited("x"), ExitCode.UNAVAILABLE),
        (errors.NotAGateway("x"), ExitCode.UNAVAILABLE),
        (errors.LocalChangesError("x"), ExitCode.LOCAL_CHANGES),
        (errors.IntegrityError("x"), ExitCode.ERROR),
        (errors.UnexpectedAnswer("x"), ExitCode.ERROR),
    ],
    ids=lambda v: type(v).__name__,
)
def test_exit_codes_follow_the_error_class(error: errors.KamldClientError, code: ExitCode):
    assert exit_code_for(error) is code


def test_a_subclass_takes_the_code_of_its_nearest_class():
    class AliasMissing(errors.NotFound):
        pass

    assert exit_code_for(AliasMissing("x")) is ExitCode.NOT_FOUND
    assert len({int(c) for c in ExitCode}) == len(ExitCode)


def test_a_usage_error_under_json_is_a_json_object(tmp_path: Path):
    missing = run_cli("show", "--json", env={"KAMLD_HOME": str(tmp_path)})
    assert missing.exit_code == 2
    answer = json.loads(missing.stdout)
    assert answer["code"] == "usage" and "ref" in answer["detail"] and answer["suggestions"] == []

    nothing = run_cli("artifact", "edit", "faces", "--json", env={"KAMLD_HOME": str(tmp_path)})
    assert nothing.exit_code == 2
    assert "nothing to change" in json.loads(nothing.stdout)["detail"]


def test_a_usage_error_without_json_is_clicks(tmp_path: Path):
    result = run_cli("artifact", "edit", "faces", "--label", "novalue", env={"KAMLD_HOME": str(tmp_path)})
    assert result.exit_code == 2
    assert "KEY=VALUE" in result.stderr and result.stdout == ""


class Answers:
    """What the toy server answers: one status and body for every request."""

    status = 404
    body = b""
    content_type = "text/html"
    etag = ""


@pytest.fixture
def http_server() -> Iterator[tuple[str, type[Answers]]]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            self.send_response(Answers.status)
            self.send_header("Content-Type", Answers.content_type)
            self.send_header("Content-Length", str(len(Answers.body)))
            if Answers.etag:
                self.send_header("ETag", Answers.etag)
            self.end_headers()
            self.wfile.write(Answers.body)

        do_POST = do_PATCH = do_DELETE = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield url, Answers
    Answers.etag = ""


def test_a_server_answering_404_is_named_as_not_a_gateway(http_server, tmp_path: Path):
    url, answers = http_server
    answers.status, answers.body, answers.content_type = 404, b"<h1>Not Found</h1>", "text/html"
    env = {"KAMLD_HOME": str(tmp_path), "KAMLD_URL": url}
    result = run_cli("ls", env=env)
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert f"{url} is not a KAML-D gateway" in result.stderr

    as_json = run_cli("show", "faces:v1", "--json", env=env)
    assert as_json.exit_code == ExitCode.UNAVAILABLE
    assert json.loads(as_json.stdout)["code"] == "not_a_gateway"


def test_server_text_in_square_brackets_is_printed_as_sent(http_server, tmp_path: Path):
    url, answers = http_server
    detail = "name must match pattern '^[a-z0-9][a-z0-9._-]{0,127}$' [/PATH] [bold]x[/bold]"
    problem = {"status": 422, "code": "invalid_name", "detail": detail, "suggestions": ["[red]pets"]}
    answers.status, answers.body = 422, json.dumps(problem).encode()
    answers.content_type = "application/problem+json"
    env = {"KAMLD_HOME": str(tmp_path), "KAMLD_URL": url}

    result = run_cli("show", "PETS", env=env)
    assert result.exit_code == ExitCode.USAGE
    assert f"error: {detail} (did you mean [red]pets?)" in " ".join(result.stderr.split())

    as_json = json.loads(run_cli("show", "PETS", "--json", env=env).stdout)
    assert (as_json["code"], as_json["status"], as_json["detail"]) == ("invalid_name", 422, detail)
    assert as_json["suggestions"] == ["[red]pets"]


def test_no_config_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Nothing names a platform: the error says which file was missing and how to name one."""
    from kamld import config

    monkeypatch.setattr(config, "DEFAULT_URL", "http://127.0.0.1:9")
    result = run_cli("ls", env={"KAMLD_HOME": str(tmp_path)})
    assert result.exit_code == ExitCode.UNAVAILABLE
    message = " ".join(result.stderr.split())
    assert "no KAML-D config found" in message
    assert str(tmp_path / "config") in message
    assert "KAMLD_URL" in message and "kamld up" in message

    status = run_cli("status", "--json", "--timeout", "1", env={"KAMLD_HOME": str(tmp_path)})
    assert status.exit_code == 1
    report = json.loads(status.stdout)
    assert report["status"] == "no_config" and report["config"]["found"] is False
    assert "no KAML-D config found" in report["note"]


def test_cat_checks_the_bytes_against_the_files_digest(http_server, tmp_path: Path):
    from kamld_content.hashing import digest_bytes

    url, answers = http_server
    answers.status, answers.body, answers.content_type = (
        200,
        b"\x00\xffpayload\r\n",
        "application/octet-stream",
    )
    env = {"KAMLD_HOME": str(tmp_path), "KAMLD_URL": url}

    answers.etag = f'"{digest_bytes(answers.body)}"'
    good = run_cli("cat", "faces:v1/blob.bin", env=env)
    assert good.exit_code == 0 and good.stdout_bytes == answers.body

    answers.etag = f'"{digest_bytes(b"other bytes")}"'
    bad = run_cli("cat", "faces:v1/blob.bin", env=env)
    assert bad.exit_code == ExitCode.ERROR
    assert "faces:v1/blob.bin: the bytes received hash to" in " ".join(bad.stderr.split())


def test_transfer_bars_leave_nothing_on_a_redirected_stderr(capfd):
    """A log file or pipe gets no progress bars and no stray empty line before an error."""
    from kamld.cli.output import transfer_bars

    with pytest.raises(ValueError), transfer_bars(enabled=True) as bars:
        assert bars is None
        raise ValueError
    assert capfd.readouterr().err == ""


def test_output_to_a_pipe_keeps_each_line_and_table_row_whole(capsys):
    """Scripts read kamld's output line by line: nothing is wrapped at 80 columns off a terminal."""
    from kamld.cli.output import _console, new_table

    console = _console(stderr=False)
    long_path = "/".join(["a-rather-long-folder-name"] * 12) + "/file.csv"
    console.print(f"pulled pets:v1 into {long_path}: 2 written", markup=False)
    table = new_table("size", "path")
    table.add_row("2 B", long_path)
    console.print(table)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"pulled pets:v1 into {long_path}: 2 written"
    assert any(line.split() == ["2", "B", long_path] for line in lines[1:]), lines


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--require-metric", "accuracy"], "METRIC:max|min"),
        (["--require-metric", "accuracy:up"], "METRIC:max|min"),
        (["--require-metric", "accuracy:max:lots"], "is not a number"),
        (["--min-metric", "f1"], "METRIC=VALUE"),
        (["--max-metric", "loss=inf"], "is not a number"),
        (["--ignore-column", "label"], "go with --signature-matches-inputs"),
        ([], "no rule given"),
    ],
)
def test_alias_policy_set_checks_its_rules_before_sending(args: list[str], named: str, tmp_path: Path):
    result = run_cli(
        "alias",
        "policy",
        "set",
        "faces-model",
        "production",
        *args,
        "--json",
        env={"KAMLD_HOME": str(tmp_path)},
    )
    assert result.exit_code == 2, result.stdout
    assert named in json.loads(result.stdout)["detail"]


def test_alias_policy_options_become_rules():
    from kamld.cli.aliases import _bounds, _metadata_rule, _metric_rule, describe

    assert _metric_rule("accuracy:max") == {
        "rule": "metric_not_worse",
        "metric": "accuracy",
        "direction": "max",
    }
    assert _metric_rule("loss:min:0.05")["tolerance"] == 0.05
    thresholds: dict = {}
    _bounds(["f1=0.8"], "min", "--min-metric", thresholds)
    _bounds(["f1=0.99"], "max", "--max-metric", thresholds)
    assert thresholds == {"f1": {"rule": "metric_threshold", "metric": "f1", "min": 0.8, "max": 0.99}}
    assert _metadata_rule("review.approved=true")["value"] is True
    assert _metadata_rule("owner=ml-team")["value"] == "ml-team"
    assert "value" not in _metadata_rule("review.ticket")
    assert describe(thresholds["f1"]) == "f1 >= 0.8 and <= 0.99"
    assert describe(_metric_rule("loss:min:0.05")) == (
        "loss not worse than the current holder's (lower is better) within 0.05"
    )
