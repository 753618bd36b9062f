"""Upload sessions expire: the domain service with a controllable clock, on a real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kamld_common.db import Database
from kamld_common.errors import NotFound
from kamld_storage_gateway.app import MIGRATIONS
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.gc.guard import WriteGuard
from kamld_storage_gateway.manifests.repository import ManifestRepository
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.objectstore import LocalObjectStore
from kamld_storage_gateway.uploads.service import UploadExpired, UploadService


async def test_expired_session_answers_410_and_unknown_404(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}", MIGRATIONS)
    await database.migrate()
    now = [datetime(2030, 1, 1, tzinfo=UTC)]
    objects = LocalObjectStore(tmp_path / "objects")
    uploads = UploadService(
        WriteGuard(database),
        ChunkStore(objects),
        ManifestService(ManifestRepository(objects)),
        ttl_s=60,
        max_file_bytes=1 << 20,
        max_line_bytes=1 << 20,
        memory_bytes=16 << 20,
        clock=lambda: now[0],
    )
    try:
        opened = await uploads.open()
        assert await uploads.missing(opened.id, []) == []
        now[0] += timedelta(seconds=61)
        with pytest.raises(UploadExpired) as expired:
            await uploads.missing(opened.id, [])
        assert expired.value.status == 410
        with pytest.raises(NotFound):
            await uploads.check_open("0" * 32)
    finally:
        await database.dispose()
