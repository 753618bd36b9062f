"""The ``kamld`` command line against the platform as real processes (SQLite, local files), run
in this process through typer's CliRunner: artifact edits and archives, listing filters, folders,
``cat``, ``alias rm``, "did you mean", exit codes and JSON errors, and a second ``kamld up``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import kamld
from kamld.cli.exits import ExitCode
from kamld_testing.cli import run_cli
from kamld_testing.platform import Platform, clean_environment, running_platform

pytestmark = pytest.mark.integration

BINARY = bytes(range(256)) * 16 + b"\r\n\x00\r" + os.urandom(3 << 20)


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    with running_platform(tmp_path_factory.mktemp("home"), clean_environment(), database="sqlite") as running:
        yield running


@pytest.fixture(scope="module")
def env(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("cli-home")
    return {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(home)}


@pytest.fixture(scope="module")
def faces(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An artifact with one version: a folder, a sibling that shares its prefix, and a binary file."""
    source = tmp_path_factory.mktemp("faces")
    files = {
        "img/a.png": b"a",
        "img/sub/b.png": b"bb",
        "img2/c.png": b"ccc",
        "imgx.txt": b"x",
        "blob.bin": BINARY,
        "odd [/PATH] name.txt": b"brackets",
    }
    for path, data in files.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(data)
    with kamld.Client(platform.gateway, platform.token) as client:
        client.push(source, "faces", message="first", kind="dataset", labels={"team": "vision"})
        client.push(source, "faces-model", message="model", kind="model", labels={"team": "vision"})
        client.alias_set("faces", "production", "v1")
    return "faces"


def cli(env: dict[str, str], *args: str):
    return run_cli(*args, env=env)


def lines(text: str) -> str:
    return " ".join(text.split())


def test_artifact_edit_sets_and_removes_labels_and_the_description(env, faces):
    description = "faces [/PATH] [bold]not bold[/bold]"
    edited = cli(
        env, "artifact", "edit", faces, "--description", description, "--label", "stage=raw", "--json"
    )
    assert edited.exit_code == 0, edited.output
    answer = json.loads(edited.stdout)
    assert answer["description"] == description
    assert answer["labels"] == {"team": "vision", "stage": "raw"}

    removed = cli(env, "artifact", "edit", faces, "--unlabel", "stage")
    assert removed.exit_code == 0, removed.output
    assert description in removed.stdout and "stage" not in removed.stdout

    shown = cli(env, "artifact", "show", faces, "--json")
    assert json.loads(shown.stdout)["labels"] == {"team": "vision"}
    listed = cli(env, "ls").stdout  # a table cell may wrap, but keeps every character
    assert "[/PATH]" in listed and "[bold]not" in listed and "bold[/bold]" in listed


def test_ls_filters_artifacts_by_kind_and_label(env, faces):
    by_kind = json.loads(cli(env, "ls", "--kind", "model", "--json").stdout)
    assert [a["name"] for a in by_kind] == ["faces-model"]
    by_label = json.loads(cli(env, "ls", "--label", "team=vision", "--json").stdout)
    assert {a["name"] for a in by_label} == {"faces", "faces-model"}
    assert json.loads(cli(env, "ls", "--label", "team=audio", "--json").stdout) == []
    both = json.loads(cli(env, "ls", "--kind", "dataset", "--label", "team", "--json").stdout)
    assert [a["name"] for a in both] == ["faces"]


def test_archive_hides_from_ls_and_unarchive_restores(env, faces):
    archived = cli(env, "artifact", "archive", "faces-model")
    assert archived.exit_code == 0, archived.output
    names = [a["name"] for a in json.loads(cli(env, "ls", "--json").stdout)]
    assert "faces-model" not in names and faces in names
    with_archived = json.loads(cli(env, "ls", "--archived", "--json").stdout)
    assert {a["name"]: a["archived"] for a in with_archived}["faces-model"] is True
    assert "faces-model (archived)" in cli(env, "ls", "--archived").stdout
    assert cli(env, "artifact", "unarchive", "faces-model").exit_code == 0
    assert "faces-model" in [a["name"] for a in json.loads(cli(env, "ls", "--json").stdout)]


def test_ls_lists_a_folder_by_whole_path_segments(env, faces):
    def paths(ref: str) -> list[str]:
        result = cli(env, "ls", ref, "--json")
        assert result.exit_code == 0, result.output
        return [f["path"] for f in json.loads(result.stdout)]

    assert paths(f"{faces}:v1/img") == ["img/a.png", "img/sub/b.png"]
    assert paths(f"{faces}:v1/img/") == ["img/a.png", "img/sub/b.png"]
    assert paths(f"{faces}:production/img/sub") == ["img/sub/b.png"]
    assert paths(f"{faces}:v1/imgx.txt") == ["imgx.txt"]
    assert len(paths(f"{faces}:v1")) == 6

    missing = cli(env, "ls", f"{faces}:v1/im")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "has no file or folder 'im'" in missing.stderr

    table = cli(env, "ls", f"{faces}:v1")
    assert "odd [/PATH] name.txt" in table.stdout


def test_cat_writes_the_files_bytes_to_stdout(env, faces):
    result = cli(env, "cat", f"{faces}:v1/blob.bin")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == BINARY
    assert cli(env, "cat", f"{faces}:production/img/sub/b.png").stdout_bytes == b"bb"
    assert cli(env, "cat", f"{faces}/odd [/PATH] name.txt").stdout_bytes == b"brackets"

    missing = cli(env, "cat", f"{faces}:v1/nope.bin")
    assert missing.exit_code == ExitCode.NOT_FOUND and missing.stdout_bytes == b""
    no_path = cli(env, "cat", f"{faces}:v1")
    assert no_path.exit_code == ExitCode.USAGE and "names no file" in no_path.stderr


def test_alias_rm_and_did_you_mean(env, faces):
    assert cli(env, "alias", "set", faces, "staging", "v1").exit_code == 0
    wrong = cli(env, "show", f"{faces}:prod")
    assert wrong.exit_code == ExitCode.NOT_FOUND
    assert "did you mean production?" in lines(wrong.stderr)
    as_json = json.loads(cli(env, "show", f"{faces}:prod", "--json").stdout)
    assert as_json["code"] == "alias_not_found" and as_json["status"] == 404
    assert as_json["suggestions"] == ["production"]

    misspelt = cli(env, "alias", "rm", faces, "stagng", "--json")
    assert misspelt.exit_code == ExitCode.NOT_FOUND
    assert json.loads(misspelt.stdout)["suggestions"] == ["staging"]

    removed = cli(env, "alias", "rm", faces, "staging")
    assert removed.exit_code == 0, removed.output
    assert f"removed {faces}:staging" in removed.stdout
    assert "staging" not in [a["alias"] for a in json.loads(cli(env, "alias", "ls", faces, "--json").stdout)]
    history = json.loads(cli(env, "alias", "history", faces, "staging", "--json").stdout)
    assert history[0]["action"] == "delete"


def test_exit_codes_per_class(env, faces, platform):
    assert cli(env, "show", "nothing-here").exit_code == ExitCode.NOT_FOUND
    conflict = cli(env, "alias", "set", "faces-model", "production", "v1", "--expect", "v1", "--json")
    assert conflict.exit_code == ExitCode.CONFLICT, conflict.output
    assert json.loads(conflict.stdout)["status"] == 409

    denied = cli({**env, "KAMLD_TOKEN": "not-a-token"}, "ls", "--json")
    assert denied.exit_code == ExitCode.DENIED
    assert json.loads(denied.stdout)["status"] == 401

    with kamld.Client(platform.gateway, platform.token) as client:
        viewer = client.token_create("cli-viewer", "viewer").token
    forbidden = cli({**env, "KAMLD_TOKEN": viewer}, "artifact", "archive", faces)
    assert forbidden.exit_code == ExitCode.DENIED

    unreachable = cli({**env, "KAMLD_URL": "http://127.0.0.1:9"}, "ls")
    assert unreachable.exit_code == ExitCode.UNAVAILABLE
    assert "cannot reach KAML-D at http://127.0.0.1:9" in lines(unreachable.stderr)


def test_server_text_with_brackets_is_printed_as_sent(env):
    """The server's validation message names a pattern in brackets: none of it is lost."""
    result = cli(env, "show", "PETS")
    assert result.exit_code == ExitCode.USAGE
    assert "[a-z0-9]" in result.stderr and "{0,127}" in result.stderr
    answer = json.loads(cli(env, "show", "PETS", "--json").stdout)
    assert "[a-z0-9]" in answer["detail"] and set(answer) >= {"code", "status", "detail", "suggestions"}


def test_a_service_that_is_not_the_gateway_is_named(env, platform):
    hub = platform.urls["metadata-hub"]
    result = cli({**env, "KAMLD_URL": hub}, "show", "faces:v1")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert f"{hub} is not a KAML-D gateway" in lines(result.stderr)


def test_a_second_up_on_a_running_home_is_refused_and_keeps_the_config(platform: Platform):
    config = platform.home / "config"
    before = (config.read_bytes(), config.stat().st_mtime_ns)
    result = run_cli("up", "--home", str(platform.home), env={"KAMLD_HOME": str(platform.home)})
    assert result.exit_code == ExitCode.CONFLICT
    message = lines(result.stderr)
    assert "already running" in message and platform.gateway in message
    assert (config.read_bytes(), config.stat().st_mtime_ns) == before
    assert not Path(platform.home / "logs" / "up.log").exists()
