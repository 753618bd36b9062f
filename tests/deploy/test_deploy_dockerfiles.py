"""Every service's Dockerfile: builds from the repository root and runs the service it names.

No Docker engine is needed: the file is parsed and checked against the workspace and the service.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import re
import shlex
import tomllib
from pathlib import Path

from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]


def parse(service) -> DockerfileParser:  # noqa: ANN001
    return DockerfileParser(str(ROOT / "services" / service.name / "Dockerfile"))


def instructions(parser: DockerfileParser, name: str) -> list[str]:
    return [item["value"] for item in parser.structure if item["instruction"] == name]


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip().lstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.removeprefix("**/")) for p in patterns)


def test_two_stages_on_python_311_slim(service) -> None:  # noqa: ANN001
    parser = parse(service)
    assert parser.parent_images == ["python:3.11-slim", "python:3.11-slim"]
    stages = [value.split()[-1] for value in instructions(parser, "FROM")]
    assert stages == ["build", "runtime"]


def test_copied_sources_exist_in_the_build_context(service) -> None:  # noqa: ANN001
    patterns = dockerignore_patterns()
    for value in instructions(parse(service), "COPY"):
        words = shlex.split(value)
        if any(word.startswith("--from=") for word in words):
            continue
        for source in words[:-1]:
            assert (ROOT / source).exists(), f"COPY source {source} is missing"
            assert not ignored(source.rstrip("/"), patterns), (
                f"COPY source {source} is excluded by .dockerignore"
            )


def test_installs_its_own_workspace_package_from_the_lock(service) -> None:  # noqa: ANN001
    install = " ".join(instructions(parse(service), "RUN"))
    package = tomllib.loads((ROOT / "services" / service.name / "pyproject.toml").read_text())["project"][
        "name"
    ]
    assert re.search(rf"uv sync --frozen --no-dev .*--package {re.escape(package)}(\s|$)", install), install
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert package in lock["manifest"]["members"]


def test_runs_its_module_as_a_non_root_user(service) -> None:  # noqa: ANN001
    parser = parse(service)
    assert json.loads(instructions(parser, "CMD")[-1]) == ["python", "-m", service.module]
    assert importlib.util.find_spec(f"{service.module}.__main__") is not None
    user = instructions(parser, "USER")[-1]
    assert user.split(":")[0] not in {"root", "0"}


def test_listens_on_the_settings_port_on_all_interfaces(service) -> None:  # noqa: ANN001
    parser = parse(service)
    assert instructions(parser, "EXPOSE") == [str(service.default_port)]
    env = parser.envs
    assert env[f"{service.env_prefix}HOST"] == "0.0.0.0"
    assert int(env[f"{service.env_prefix}PORT"]) == service.default_port
    assert service.unknown_env(env) == []


def test_healthcheck_asks_healthz(service, tmp_path: Path) -> None:  # noqa: ANN001
    healthcheck = instructions(parse(service), "HEALTHCHECK")
    assert len(healthcheck) == 1
    assert "/healthz" in healthcheck[0] and f"{service.env_prefix}PORT" in healthcheck[0]
    assert "/healthz" in service.route_paths(tmp_path)


def test_dockerignore_keeps_the_context_small() -> None:
    patterns = dockerignore_patterns()
    for heavy in (".git", ".venv", "services/trainer/tests", "libs/common/src/kamld_common/__pycache__"):
        assert ignored(heavy, patterns), heavy
    for needed in ("uv.lock", "pyproject.toml", "libs/common/src/kamld_common/app.py"):
        assert not ignored(needed, patterns), needed
