"""Catalog commands: push, pull, log, show, ls, diff, alias, lineage, token."""

from __future__ import annotations

from kamld.cli import app  # noqa: F401
