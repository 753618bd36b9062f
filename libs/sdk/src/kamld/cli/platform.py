"""Platform commands: ``kamld up`` and ``kamld status``."""

from __future__ import annotations

from kamld.cli import app  # noqa: F401
