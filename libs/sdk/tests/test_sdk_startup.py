"""What the command line loads at start, and the package's lazily loaded names."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kamld


def test_the_command_line_loads_neither_httpx_own_command_line_nor_pydantic_nor_rich():
    """httpx's CLI (click, pygments) cost 30-50 ms of every command, pydantic and the models ~100;
    rich is loaded only by a command that prints for people (not ``--json``)."""
    probe = (
        "import sys, kamld.cli; kamld.cli._register(); import kamld.transfer, httpx; "
        "unwanted = ('click', 'pygments', 'httpx._main', 'pydantic', 'rich'); "
        "print(sorted(name for name in unwanted if sys.modules.get(name)))"
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
