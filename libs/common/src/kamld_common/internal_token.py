"""The internal secret the services of one platform share, so that none of them answers strangers.

Every service process holds one: the configured ``KAMLD_<SERVICE>_INTERNAL_TOKEN`` (``kamld up``, the
compose file and the Kubernetes manifests set it), or else the one in ``$KAMLD_HOME/internal-token``,
which the first service started on that home creates (owner-only permissions). Services of one home
therefore agree on it without configuration, and an internal service never runs open.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from kamld_common.settings import ServiceSettings, kamld_home

TOKEN_FILE = "internal-token"
MIN_TOKEN_CHARS = 32


def internal_token_file(home: Path | None = None) -> Path:
    return (home or kamld_home()) / TOKEN_FILE


def load_or_create(path: Path) -> str:
    """The secret in ``path``, created there (mode 0600, written whole before it appears) if absent."""
    with contextlib.suppress(FileNotFoundError):
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)  # atomic, and never replaces the secret another process created
    finally:
        draft.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    token = path.read_text().strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise SystemExit(f"kamld: the internal token in {path} is shorter than {MIN_TOKEN_CHARS} characters")
    return token


def ensure_internal_token(settings: ServiceSettings) -> None:
    """Give a service process its internal token: the configured one, else the home's shared file.

    The token also goes into this process's environment under the service's prefix, so the worker
    processes uvicorn starts (which build their settings from the environment) hold the same one.
    """
    if not settings.internal_token:
        settings.internal_token = load_or_create(internal_token_file())
    prefix = str(settings.model_config.get("env_prefix", ""))
    os.environ[prefix + "INTERNAL_TOKEN"] = settings.internal_token
