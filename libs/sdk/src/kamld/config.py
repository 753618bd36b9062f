"""Where the client finds the platform: ``KAMLD_URL`` / ``KAMLD_TOKEN`` over ``$KAMLD_HOME/config``.

``kamld up`` writes the config file (TOML) with the gateway URL and an admin token.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8080"


def kamld_home() -> Path:
    return Path(os.environ.get("KAMLD_HOME") or "~/.kamld").expanduser()


def config_path() -> Path:
    return kamld_home() / "config"


@dataclass(frozen=True)
class ClientConfig:
    url: str
    token: str | None
    file: Path | None = None
    """The config file read, if there was one."""
    url_from_environment: bool = False

    @property
    def found(self) -> bool:
        """Whether anything named a platform; otherwise ``url`` is only the local default."""
        return self.file is not None or self.url_from_environment


def load_config() -> ClientConfig:
    """Environment first, then the config file, then the local default URL."""
    stored: dict[str, str] = {}
    path = config_path()
    found = path.is_file()
    if found:
        with path.open("rb") as fh:
            stored = {k: str(v) for k, v in tomllib.load(fh).items()}
    url = os.environ.get("KAMLD_URL") or stored.get("url") or DEFAULT_URL
    token = os.environ.get("KAMLD_TOKEN") or stored.get("token")
    return ClientConfig(
        url=url.rstrip("/"),
        token=token or None,
        file=path if found else None,
        url_from_environment=bool(os.environ.get("KAMLD_URL")),
    )


def missing_config_hint() -> str | None:
    """Where the client looked and how to point it at a platform, when nothing named one."""
    if load_config().found:
        return None
    return (
        f"no KAML-D config found: KAMLD_URL is not set and {config_path()} does not exist "
        f"(so {DEFAULT_URL} was tried); set KAMLD_URL and KAMLD_TOKEN to point at a platform, "
        "or start one with `kamld up`, which writes that file"
    )


def save_config(url: str, token: str | None) -> Path:
    """Write the config file readable by its owner only."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f'url = "{url}"']
    if token:
        lines.append(f'token = "{token}"')
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path
