"""One real platform (``kamld up`` on SQLite) and one real JupyterLab server for the extension's tests.

The Jupyter server finds the platform the way a user's does without ``KAMLD_URL``: through the
CLI config that ``kamld up`` writes, here a copy in the server's own ``KAMLD_HOME`` (so a test can
point it elsewhere for a while).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamld_testing.jupyter import JupyterServer, running_jupyter
from kamld_testing.platform import Platform, clean_environment, running_platform


@pytest.fixture(scope="session")
def kamld_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    home = tmp_path_factory.mktemp("platform")
    with running_platform(home, clean_environment(), database="sqlite") as platform:
        yield platform


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, kamld_platform: Platform) -> Iterator[JupyterServer]:
    home = tmp_path_factory.mktemp("jupyter")
    kamld_home = home / "kamld"
    kamld_home.mkdir()
    shutil.copy(kamld_platform.home / "config", kamld_home / "config")
    env = {**clean_environment(), "KAMLD_HOME": str(kamld_home)}
    with running_jupyter(home, env) as server:
        yield server


@pytest.fixture
def lab_config(lab: JupyterServer) -> Path:
    """The CLI config the Jupyter server reads its gateway URL and token from."""
    return Path(lab.root.parent / "kamld" / "config")
