"""Input versions materialized from one local content cache, shared by every run.

A version is pulled once into ``cache/<digest>`` (atomically: into a scratch directory that is
renamed when complete) and every run that reads it gets a link to that directory, so a second
run over the same data downloads nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kamld_trainer.executor.catalog import Catalog
from kamld_trainer.executor.locks import file_lock


class ContentCache:
    def __init__(self, root: Path, catalog: Catalog) -> None:
        self.root = root
        self.catalog = catalog

    async def materialize(self, ref: str, digest: str) -> tuple[Path, int]:
        """The directory holding version ``ref`` (content ``digest``) and the bytes downloaded for it."""
        target = self.root / digest.replace(":", "-")
        if target.is_dir():
            return target, 0
        async with file_lock(target.with_name(target.name + ".lock")):
            if target.is_dir():
                return target, 0
            scratch = target.with_name(target.name + ".partial")
            if scratch.exists():
                shutil.rmtree(scratch)
            pulled = await self.catalog.pull(ref, scratch)
            scratch.rename(target)
        return target, pulled.bytes_downloaded
