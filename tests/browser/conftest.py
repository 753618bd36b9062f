"""What every Workbench browser test module shares."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kamld_testing.browser import REPOSITORY


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``docs/images/`` with ``KAMLD_UPDATE_SCREENSHOTS=1`` (how the committed
    ones are made), else the test's temporary directory."""
    if os.environ.get("KAMLD_UPDATE_SCREENSHOTS") == "1":
        return REPOSITORY / "docs" / "images"
    return tmp_path_factory.mktemp("screenshots")
