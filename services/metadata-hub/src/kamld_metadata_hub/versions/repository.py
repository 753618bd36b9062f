"""Database access for versions, their parent and input edges, and the digest listing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from kamld_metadata_hub.models import Alias, Artifact, Version, VersionInput, VersionParent
from kamld_metadata_hub.references import DIGEST_ALGORITHM

# Built once: an alias made per call costs a column adaptation every time and on the resolve path
# that was a tenth of the service's CPU.
PARENT = aliased(Version, name="parent")
SOURCE = aliased(Version, name="source")


class VersionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def newest(self, artifact_id: int) -> Version | None:
        return await self.session.scalar(
            select(Version).where(Version.artifact_id == artifact_id).order_by(Version.number.desc()).limit(1)
        )

    async def by_number(self, artifact_id: int, number: int) -> Version | None:
        return await self.session.scalar(
            select(Version).where(Version.artifact_id == artifact_id, Version.number == number)
        )

    async def by_alias(self, artifact_id: int, alias: str) -> Version | None:
        return await self.session.scalar(
            select(Version)
            .join(Alias, Alias.version_id == Version.id)
            .where(Alias.artifact_id == artifact_id, Alias.name == alias)
        )

    async def by_artifact_name_and_number(self, name: str, number: int) -> tuple[Artifact, Version] | None:
        """The artifact and its version ``number`` in one query; None when either is missing."""
        row = (
            await self.session.execute(
                select(Artifact, Version)
                .join(Version, Version.artifact_id == Artifact.id)
                .where(Artifact.name == name, Version.number == number)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def by_artifact_name_and_alias(self, name: str, alias: str) -> tuple[Artifact, Version] | None:
        """The artifact and the version ``alias`` points at in one query; None when either is missing."""
        row = (
            await self.session.execute(
                select(Artifact, Version)
                .join(Alias, Alias.artifact_id == Artifact.id)
                .join(Version, Version.id == Alias.version_id)
                .where(Artifact.name == name, Alias.name == alias)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def by_digest_prefix(self, artifact_id: int, hex_prefix: str, limit: int) -> list[Version]:
        """Versions whose digest starts with ``blake3:<hex_prefix>`` (``hex_prefix`` is validated hex)."""
        pattern = f"{DIGEST_ALGORITHM}{hex_prefix}%"
        return list(
            await self.session.scalars(
                select(Version)
                .where(Version.artifact_id == artifact_id, Version.digest.like(pattern))
                .order_by(Version.number)
                .limit(limit)
            )
        )

    async def add(
        self, version: Version, parent_ids: Sequence[int], inputs: Sequence[tuple[int, str]]
    ) -> Version:
        self.session.add(version)
        await self.session.flush()
        for position, parent_id in enumerate(parent_ids):
            self.session.add(VersionParent(child_id=version.id, parent_id=parent_id, position=position))
        for input_id, role in inputs:
            self.session.add(VersionInput(version_id=version.id, input_id=input_id, role=role))
        await self.session.flush()
        return version

    async def log(self, artifact_id: int, before: int | None, limit: int) -> list[Version]:
        statement = (
            select(Version)
            .where(Version.artifact_id == artifact_id)
            .order_by(Version.number.desc())
            .limit(limit)
        )
        if before is not None:
            statement = statement.where(Version.number < before)
        return list(await self.session.scalars(statement))

    async def parents_of(self, version_ids: Sequence[int]) -> dict[int, list[Version]]:
        rows = await self.session.execute(
            select(VersionParent.child_id, PARENT)
            .join(PARENT, PARENT.id == VersionParent.parent_id)
            .where(VersionParent.child_id.in_(version_ids))
            .order_by(VersionParent.child_id, VersionParent.position)
        )
        found: dict[int, list[Version]] = {version_id: [] for version_id in version_ids}
        for child_id, version in rows:
            found[child_id].append(version)
        return found

    async def inputs_of(self, version_ids: Sequence[int]) -> dict[int, list[tuple[Version, str, str]]]:
        """For each version: (input version, its artifact's name, role)."""
        rows = await self.session.execute(
            select(VersionInput.version_id, SOURCE, Artifact.name, VersionInput.role)
            .join(SOURCE, SOURCE.id == VersionInput.input_id)
            .join(Artifact, Artifact.id == SOURCE.artifact_id)
            .where(VersionInput.version_id.in_(version_ids))
            .order_by(VersionInput.version_id, Artifact.name, SOURCE.number, VersionInput.role)
        )
        found: dict[int, list[tuple[Version, str, str]]] = {version_id: [] for version_id in version_ids}
        for version_id, version, artifact_name, role in rows:
            found[version_id].append((version, artifact_name, role))
        return found

    async def digests(self, after: str | None, limit: int) -> list[str]:
        statement = select(Version.digest).distinct().order_by(Version.digest).limit(limit)
        if after is not None:
            statement = statement.where(Version.digest > after)
        return list(await self.session.scalars(statement))

    async def catalog_page(
        self, artifact_id: int | None, after: int | None, limit: int
    ) -> list[tuple[int, str, int, str]]:
        """``(id, artifact name, number, digest)`` of versions in id order (one artifact's, or all)."""
        statement = (
            select(Version.id, Artifact.name, Version.number, Version.digest)
            .join(Artifact, Artifact.id == Version.artifact_id)
            .order_by(Version.id)
            .limit(limit)
        )
        if artifact_id is not None:
            statement = statement.where(Version.artifact_id == artifact_id)
        if after is not None:
            statement = statement.where(Version.id > after)
        return [(row[0], row[1], row[2], row[3]) for row in (await self.session.execute(statement)).all()]

    async def count_of(self, artifact_id: int | None) -> int:
        statement = select(func.count()).select_from(Version)
        if artifact_id is not None:
            statement = statement.where(Version.artifact_id == artifact_id)
        return int(await self.session.scalar(statement) or 0)

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Version)) or 0)
