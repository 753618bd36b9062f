"""The ``kamld`` command line run in this process (typer's CliRunner), for tests of its output.

result = run_cli("ls", "--json", env={"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": token})
assert result.exit_code == 0, result.output
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from typer.testing import CliRunner, Result

KAMLD_VARIABLES = ("KAMLD_URL", "KAMLD_TOKEN", "KAMLD_HOME", "KAMLD_PORT_BASE")


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """``kamld ARGS`` with only the KAML-D variables in ``env`` set (others of ours are cleared)."""
    from kamld.cli import _register, app

    _register()
    environment: dict[str, str | None] = {name: None for name in KAMLD_VARIABLES if name in os.environ}
    environment.update(env or {})
    return CliRunner().invoke(app, list(args), env=environment, catch_exceptions=False)
