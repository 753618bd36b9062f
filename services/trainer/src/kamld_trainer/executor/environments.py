"""Virtualenvs for runs, built once per requirements hash and reused by every run that needs them.

An environment is built in place (a virtualenv cannot be moved) under a per-hash file lock, and
counts only once its ``.ready`` marker exists: one left half-built by a killed trainer is removed
and built again.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from kamld_trainer.executor.locks import file_lock

READY = ".ready"


class EnvironmentFailed(Exception):
    """pip could not install the requirements (the run's log has its output)."""


def requirements_hash(requirements: Sequence[str]) -> str:
    lines = sorted(
        {line.strip() for line in requirements if line.strip() and not line.strip().startswith("#")}
    )
    text = f"python {sys.version_info.major}.{sys.version_info.minor}\n" + "\n".join(lines)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class EnvironmentCache:
    def __init__(self, root: Path, base_python: str = sys.executable) -> None:
        self.root = root
        self.base_python = base_python

    def path(self, requirements: Sequence[str]) -> Path:
        return self.root / requirements_hash(requirements)

    def is_ready(self, requirements: Sequence[str]) -> bool:
        return (self.path(requirements) / READY).exists()

    async def ensure(self, requirements: Sequence[str], log: BinaryIO) -> Path:
        """The environment's directory, built first if no run built it before."""
        target = self.path(requirements)
        if (target / READY).exists():
            return target
        async with file_lock(self.root / f"{target.name}.lock"):
            if (target / READY).exists():
                return target
            if target.exists():
                shutil.rmtree(target)
            log.write(f"building environment {target.name}: {' '.join(requirements) or '(empty)'}\n".encode())
            log.flush()
            bare = () if requirements else ("--without-pip",)
            await self._run(log, self.base_python, "-m", "venv", *bare, str(target))
            if requirements:
                listing = target / "requirements.txt"
                listing.write_text("\n".join(requirements) + "\n")
                await self._run(
                    log,
                    str(target / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--no-input",
                    "--progress-bar",
                    "off",
                    "-r",
                    str(listing),
                )
            (target / READY).write_text("\n".join(requirements) + "\n")
            log.write(b"environment ready\n")
            log.flush()
        return target

    @staticmethod
    async def _run(log: BinaryIO, *command: str) -> None:
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
        )
        code = await process.wait()
        if code != 0:
            raise EnvironmentFailed(f"{' '.join(command[:4])} … exited with {code}")
