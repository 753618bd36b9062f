"""The one Dockerfile, built per service with the build args docker-compose.yml gives it.

No Docker engine is needed: the file is parsed with each service's build args and checked against
the workspace and the service's own settings.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

from dockerfile_parse import DockerfileParser

from kamld_common.container import health_url, service_package

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def build_args(compose: dict[str, Any], service) -> dict[str, str]:  # noqa: ANN001
    return {name: str(value) for name, value in compose["services"][service.name]["build"]["args"].items()}


def parse(compose: dict[str, Any], service) -> DockerfileParser:  # noqa: ANN001
    return DockerfileParser(str(DOCKERFILE), build_args=build_args(compose, service))


def instructions(parser: DockerfileParser, name: str) -> list[str]:
    return [item["value"] for item in parser.structure if item["instruction"] == name]


def expand(value: str, args: dict[str, str]) -> str:
    """``${NAME}`` replaced by its build arg; an unknown name fails the test."""
    return re.sub(r"\$\{(\w+)\}", lambda match: args[match.group(1)], value)


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip().lstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.removeprefix("**/")) for p in patterns)


def test_there_is_one_dockerfile() -> None:
    assert sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob("services/*/Dockerfile")) == []
    assert DOCKERFILE.is_file()


def test_build_args_name_the_service_and_its_port(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    args = build_args(compose, service)
    assert args["SERVICE"] == service.name
    assert int(args["PORT"]) == service.default_port
    assert args["DESCRIPTION"].startswith(f"KAML-D {service.name}: ")
    declared = {value.split("=", 1)[0] for value in instructions(parse(compose, service), "ARG")}
    assert set(args) <= declared


def test_two_stages_on_python_311_slim(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    parser = parse(compose, service)
    assert parser.parent_images == ["python:3.11-slim", "python:3.11-slim"]
    stages = [value.split()[-1] for value in instructions(parser, "FROM")]
    assert stages == ["build", "runtime"]


def test_copied_sources_exist_in_the_build_context(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    patterns = dockerignore_patterns()
    for value in instructions(parse(compose, service), "COPY"):
        words = shlex.split(value)
        if any(word.startswith("--from=") for word in words):
            continue
        for source in words[:-1]:
            assert (ROOT / source).exists(), f"COPY source {source} is missing"
            assert not ignored(source.rstrip("/"), patterns), (
                f"COPY source {source} is excluded by .dockerignore"
            )


def test_installs_its_own_workspace_package_from_the_lock(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    install = expand(" ".join(instructions(parse(compose, service), "RUN")), build_args(compose, service))
    package = tomllib.loads((ROOT / "services" / service.name / "pyproject.toml").read_text())["project"][
        "name"
    ]
    assert re.search(
        rf"uv sync --frozen --no-dev --no-editable .*--package {re.escape(package)}(\s|$)", install
    ), install
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    assert package in lock["manifest"]["members"]


def test_runs_its_module_as_a_non_root_user(compose: dict[str, Any], service) -> None:  # noqa: ANN001
    parser = parse(compose, service)
    assert json.loads(instructions(parser, "CMD")[-1]) == ["python", "-m", "kamld_common.container", "serve"]
    assert parser.envs["KAMLD_SERVICE"] == service.name
    assert service_package(parser.envs["KAMLD_SERVICE"]) == service.module
    assert importlib.util.find_spec(f"{service.module}.__main__") is not None
    assert parser.labels["org.opencontainers.image.title"] == f"kamld-{service.name}"
    user = instructions(parser, "USER")[-1]
    assert user.split(":")[0] not in {"root", "0"}


def test_listens_on_the_settings_port_on_all_interfaces(
    compose: dict[str, Any],
    service,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    parser = parse(compose, service)
    expose = [expand(value, build_args(compose, service)) for value in instructions(parser, "EXPOSE")]
    assert expose == [str(service.default_port)]
    env = parser.envs
    assert service.unknown_env(env) == []
    for name in [name for name in os.environ if name.startswith("KAMLD_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        if name.startswith("KAMLD_"):
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("KAMLD_HOME", str(tmp_path))
    settings = service.settings_class()
    assert (settings.host, settings.port) == ("0.0.0.0", service.default_port)
    assert health_url(settings) == f"http://127.0.0.1:{service.default_port}/healthz"


def test_healthcheck_asks_healthz(compose: dict[str, Any], service, tmp_path: Path) -> None:  # noqa: ANN001
    healthcheck = instructions(parse(compose, service), "HEALTHCHECK")
    assert len(healthcheck) == 1
    command = json.loads(healthcheck[0].split("CMD", 1)[1])
    assert command == ["python", "-m", "kamld_common.container", "healthcheck"]
    assert "/healthz" in service.route_paths(tmp_path)


def test_dockerignore_keeps_the_context_small() -> None:
    patterns = dockerignore_patterns()
    for heavy in (".git", ".venv", "services/trainer/tests", "libs/common/src/kamld_common/__pycache__"):
        assert ignored(heavy, patterns), heavy
    for needed in ("uv.lock", "pyproject.toml", "libs/common/src/kamld_common/app.py"):
        assert not ignored(needed, patterns), needed
