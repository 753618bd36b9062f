"""Render every service's settings as one Markdown table, kept in README.md between markers.

Usage: ``python scripts/config_table.py`` rewrites the table; ``--check`` fails when it is stale.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"
SERVICES = ["workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub"]
COMMON = """| variable | default | meaning |
|---|---|---|
| `KAMLD_HOME` | `~/.kamld` | data directory of a local platform; every service defaults into `$KAMLD_HOME/<service>` |
| `KAMLD_URL`, `KAMLD_TOKEN` | from `$KAMLD_HOME/config` | where the `kamld` client finds the gateway, and its API token |
| `KAMLD_PULL_BUFFERED` | unset | `1`: `kamld pull` writes large files through the page cache instead of around it (`--buffered`) |
| `OTEL_EXPORTER_OTLP_ENDPOINT` | unset | export traces over OTLP/HTTP (e.g. `http://jaeger:4318`) |
"""


def _default(field) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "—"
    return f"`{value}`"


def render() -> str:
    rows = [COMMON.rstrip("\n")]
    for service in SERVICES:
        module = importlib.import_module(f"kamld_{service.replace('-', '_')}.config")
        settings = module.Settings
        prefix = settings.model_config.get("env_prefix", "")
        for name, field in settings.model_fields.items():
            if name == "service_name":
                continue
            if name in {"data_dir", "database_url"}:
                default = {"data_dir": f"`$KAMLD_HOME/{service}`", "database_url": "SQLite in the data dir"}[
                    name
                ]
            elif name == "port":
                default = f"`{field.default}`"
            else:
                default = _default(field)
            meaning = (field.description or "").replace("|", "\\|")
            rows.append(f"| `{prefix}{name.upper()}` | {default} | {meaning} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = README.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    updated = f"{head}{START}\n{render()}\n{END}{tail}"
    if args.check:
        if updated != text:
            print(
                "README.md configuration table is stale: run python scripts/config_table.py", file=sys.stderr
            )
            return 1
        return 0
    README.write_text(updated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
