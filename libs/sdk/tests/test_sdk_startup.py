"""What the command line loads at start, and the package's lazily loaded names."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kamld


def test_the_command_line_does_not_load_httpx_own_command_line():
    """httpx's CLI (click, pygments) cost 30-50 ms of every command; kamld never runs it."""
    probe = (
        "import sys, kamld.cli; kamld.cli._register(); import kamld.transfer, httpx; "
        "print(sorted(name for name in ('click', 'pygments', 'httpx._main') if sys.modules.get(name)))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_package_exports_resolve_on_first_use():
    from kamld.client import Client
    from kamld.models import Version

    assert kamld.Client is Client
    assert kamld.Version is Version
    assert kamld.errors.IntegrityError.__name__ == "IntegrityError"
    assert {"Client", "Version", "errors", "open"} <= set(dir(kamld))
    assert all(hasattr(kamld, name) for name in kamld.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="not_a_name"):
        kamld.not_a_name  # noqa: B018
