"""Reading profiles: a version's summary, or one table's full profile."""

from __future__ import annotations

from sqlalchemy import select

from kamld_common.db import Database
from kamld_common.errors import Invalid, NotFound
from kamld_metadata_hub.indexing.jobs import JobKind, JobQueue
from kamld_metadata_hub.models import VersionProfile
from kamld_metadata_hub.profiles.schemas import FileProfileView, TableSummary, VersionProfileView
from kamld_metadata_hub.references import Reference, parse_version_selector, version_ref
from kamld_metadata_hub.versions.service import VersionResolver

PENDING_KINDS = [JobKind.MANIFEST, JobKind.PROFILE]


class ProfileService:
    def __init__(self, database: Database, queue: JobQueue) -> None:
        self.database = database
        self.queue = queue

    async def version_profile(self, name: str, ref: str) -> VersionProfileView:
        reference = Reference(artifact=name, selector=parse_version_selector(ref, ["path", "ref"]))
        async with self.database.unit_of_work() as session:
            artifact, version = await VersionResolver(session).reference(reference, ["path", "ref"])
            rows = list(
                await session.scalars(
                    select(VersionProfile)
                    .where(VersionProfile.version_id == version.id)
                    .order_by(VersionProfile.path)
                )
            )
            pending = await self.queue.pending_for(session, PENDING_KINDS, version.id)
        tables = [
            TableSummary(
                path=row.path,
                format=row.data.get("format", ""),
                status=row.status,
                rows=row.data.get("rows"),
                columns=len(row.data.get("columns") or []),
                reason=row.data.get("reason"),
            )
            for row in rows
            if row.kind == "table"
        ]
        images = next((row.data for row in rows if row.kind == "images"), None)
        return VersionProfileView(
            ref=version_ref(artifact.name, version.number),
            status="pending" if pending else "done",
            tables=tables,
            images=images,
        )

    async def file_profile(self, name: str, ref: str, path: str) -> FileProfileView:
        if "\x00" in path:
            raise Invalid("a path has no NUL characters", field=["query", "path"])
        reference = Reference(artifact=name, selector=parse_version_selector(ref, ["path", "ref"]))
        async with self.database.unit_of_work() as session:
            artifact, version = await VersionResolver(session).reference(reference, ["path", "ref"])
            row = await session.get(VersionProfile, (version.id, path))
            pending = await self.queue.pending_for(session, PENDING_KINDS, version.id)
        vref = version_ref(artifact.name, version.number)
        if row is None or row.kind != "table":
            detail = (
                "is still being profiled"
                if pending
                else "has no profile (not a CSV, TSV, Parquet or JSON Lines file)"
            )
            raise NotFound(
                f"{vref}/{path} {detail}",
                code="profile_pending" if pending else "profile_not_found",
                extra={"ref": vref, "path": path, "field": ["query", "path"]},
            )
        return FileProfileView(
            ref=vref,
            path=path,
            status=row.status,
            format=row.data.get("format", ""),
            rows=row.data.get("rows"),
            reason=row.data.get("reason"),
            columns=row.data.get("columns") or [],
        )
