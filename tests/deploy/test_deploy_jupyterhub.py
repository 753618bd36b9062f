"""deploy/jupyterhub/: the zero-to-jupyterhub values parse, their extraConfig is Python that
installs the KAML-D hook, and the Dockerfile builds from what `make dist` writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from dockerfile_parse import DockerfileParser
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "deploy" / "jupyterhub"


def values() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((FOLDER / "values.yaml").read_text())
    return loaded


def test_the_admin_token_comes_from_a_secret_never_from_the_file() -> None:
    hub = values()["hub"]
    source = hub["extraEnv"]["KAMLD_HUB_ADMIN_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert source == {"name": "kamld-jupyterhub", "key": "token"}
    assert 'admin_token_env="KAMLD_HUB_ADMIN_TOKEN"' in hub["extraConfig"]["kamld"]
    assert set(values()) == {"hub", "singleuser"}
    assert values()["singleuser"]["image"]["name"]


def test_extra_config_is_python_that_installs_the_hook() -> None:
    snippet = values()["hub"]["extraConfig"]["kamld"]
    code = compile(snippet, "values.yaml:hub.extraConfig.kamld", "exec")
    c = Config()
    exec(code, {"c": c, "get_config": lambda: c})
    pre, post = c.Spawner.pre_spawn_hook, c.Spawner.post_stop_hook
    assert pre.__module__ == post.__module__ == "jupyterlab_kamld.hub"
    assert pre.__qualname__ == "pre_spawn_hook.<locals>.hook"
    assert post.__qualname__ == "post_stop_hook.<locals>.hook"


def test_the_configured_hook_issues_the_mapped_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    """The snippet's settings, exercised: who gets which role, and where the servers are sent."""
    import jupyterlab_kamld.hub as hub

    captured: list[hub.HubSettings] = []
    monkeypatch.setattr(hub, "pre_spawn_hook", lambda settings: captured.append(settings))
    monkeypatch.setattr(hub, "post_stop_hook", lambda settings: None)
    exec(compile(values()["hub"]["extraConfig"]["kamld"], "extraConfig", "exec"), {"c": Config()})
    (settings,) = captured
    assert settings.role("ada", ["ml-engineers"]) == "editor"
    assert settings.role("bob", []) == "viewer"
    assert settings.url_for_users == "https://kamld.example.com"


def test_the_dockerfile_installs_the_wheels_make_dist_writes() -> None:
    parser = DockerfileParser(path=str(FOLDER / "Dockerfile"))
    stages = [item["value"] for item in parser.structure if item["instruction"] == "FROM"]
    assert [stage.split(" AS ")[-1] for stage in stages] == ["singleuser", "hub"]
    copies = [item["value"] for item in parser.structure if item["instruction"] == "COPY"]
    assert all(source.startswith("dist/") for copy in copies for source in copy.split()[:-1])
    makefile = (ROOT / "Makefile").read_text()
    assert "build --quiet --wheel --out-dir dist $(LABEXT)" in makefile
    assert "build --quiet --out-dir dist libs/sdk" in makefile
