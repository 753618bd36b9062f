"""The README's configuration table is generated from the services' settings and must not drift."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_configuration_table_matches_settings() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "config_table.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
