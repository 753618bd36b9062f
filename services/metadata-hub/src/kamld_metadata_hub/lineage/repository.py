"""Database access for walking lineage one level at a time."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_metadata_hub.models import Artifact, Version, VersionInput, VersionParent

PARENT_ROLE = "parent"

Edge = tuple[int, int, str]


class LineageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def edges_into(self, version_ids: Collection[int]) -> list[Edge]:
        """(upstream, downstream, role) for every edge that ends at one of ``version_ids``."""
        statement = union_all(
            select(VersionParent.parent_id, VersionParent.child_id, literal(PARENT_ROLE)).where(
                VersionParent.child_id.in_(version_ids)
            ),
            select(VersionInput.input_id, VersionInput.version_id, VersionInput.role).where(
                VersionInput.version_id.in_(version_ids)
            ),
        )
        return [(source, target, role) for source, target, role in await self.session.execute(statement)]

    async def edges_out_of(self, version_ids: Collection[int]) -> list[Edge]:
        """(upstream, downstream, role) for every edge that starts at one of ``version_ids``."""
        statement = union_all(
            select(VersionParent.parent_id, VersionParent.child_id, literal(PARENT_ROLE)).where(
                VersionParent.parent_id.in_(version_ids)
            ),
            select(VersionInput.input_id, VersionInput.version_id, VersionInput.role).where(
                VersionInput.input_id.in_(version_ids)
            ),
        )
        return [(source, target, role) for source, target, role in await self.session.execute(statement)]

    async def versions(self, version_ids: Collection[int]) -> dict[int, tuple[Version, Artifact]]:
        rows = await self.session.execute(
            select(Version, Artifact)
            .join(Artifact, Artifact.id == Version.artifact_id)
            .where(Version.id.in_(version_ids))
        )
        return {version.id: (version, artifact) for version, artifact in rows}
