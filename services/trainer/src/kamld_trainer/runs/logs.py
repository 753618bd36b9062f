"""Where a run's files live: ``runs/<id>/run.log`` (kept) and ``runs/<id>/work`` (removed at the end)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

READ_BYTES = 64 * 1024


class RunFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def run_dir(self, run_id: uuid.UUID) -> Path:
        path = self.root / str(run_id)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def log_path(self, run_id: uuid.UUID) -> Path:
        return self.run_dir(run_id) / "run.log"

    def work_dir(self, run_id: uuid.UUID) -> Path:
        return self.run_dir(run_id) / "work"

    def clean_work(self, run_id: uuid.UUID) -> None:
        shutil.rmtree(self.root / str(run_id) / "work", ignore_errors=True)
        self.clear_pgid(run_id)

    def write_pgid(self, run_id: uuid.UUID, pgid: int) -> None:
        (self.run_dir(run_id) / "pgid").write_text(f"{pgid}\n")

    def read_pgid(self, run_id: uuid.UUID) -> int | None:
        try:
            return int((self.root / str(run_id) / "pgid").read_text())
        except (OSError, ValueError):
            return None

    def clear_pgid(self, run_id: uuid.UUID) -> None:
        (self.root / str(run_id) / "pgid").unlink(missing_ok=True)

    async def stream(
        self,
        run_id: uuid.UUID,
        offset: int,
        *,
        follow: bool,
        finished: Callable[[], Awaitable[bool]],
        poll_s: float = 0.3,
    ) -> AsyncIterator[bytes]:
        """The log from byte ``offset``; with ``follow``, new bytes as they come until the run ends."""
        path = self.root / str(run_id) / "run.log"
        position = offset
        while True:
            done = await finished() if follow else True
            with contextlib.suppress(FileNotFoundError):
                with path.open("rb") as fh:
                    fh.seek(position)
                    while chunk := fh.read(READ_BYTES):
                        position += len(chunk)
                        yield chunk
            if done:
                return
            await asyncio.sleep(poll_s)
