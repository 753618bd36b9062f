"""Database access for artifacts and their labels (add and flush only; the caller commits)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_metadata_hub.models import Alias, Artifact, ArtifactLabel, Version
from kamld_metadata_hub.references import LATEST, version_name, version_ref
from kamld_metadata_hub.schemas import VersionLink


class ArtifactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, name: str) -> Artifact | None:
        return await self.session.scalar(select(Artifact).where(Artifact.name == name))

    async def lock(self, name: str, *, take_number: bool = False) -> Artifact | None:
        """Take the artifact's write lock (its row on PostgreSQL, the database on SQLite).

        With ``take_number`` it also advances the version counter in the same statement; the
        returned row's ``next_number - 1`` is then the number reserved for this transaction. Every
        lock advances ``generation``: each write takes the lock first, so a reader that sees the
        same generation twice knows nothing about the artifact changed in between.
        """
        statement = (
            update(Artifact)
            .where(Artifact.name == name)
            .values(
                next_number=Artifact.next_number + (1 if take_number else 0),
                generation=Artifact.generation + 1,
            )
            .returning(Artifact)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(statement)

    async def add(self, artifact: Artifact) -> Artifact:
        self.session.add(artifact)
        await self.session.flush()
        return artifact

    async def names(self) -> list[str]:
        return list(await self.session.scalars(select(Artifact.name)))

    async def labels_of(self, artifact_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        ids = list(artifact_ids)
        labels: dict[int, dict[str, str]] = {artifact_id: {} for artifact_id in ids}
        if not ids:
            return labels
        rows = await self.session.execute(
            select(ArtifactLabel.artifact_id, ArtifactLabel.key, ArtifactLabel.value)
            .where(ArtifactLabel.artifact_id.in_(ids))
            .order_by(ArtifactLabel.key)
        )
        for artifact_id, key, value in rows:
            labels[artifact_id][key] = value
        return labels

    async def apply_labels(self, artifact_id: int, changes: Mapping[str, str | None]) -> None:
        """Set the labels given a value and remove those given ``None``."""
        for key, value in changes.items():
            await self.session.execute(
                delete(ArtifactLabel).where(
                    ArtifactLabel.artifact_id == artifact_id, ArtifactLabel.key == key
                )
            )
            if value is not None:
                self.session.add(ArtifactLabel(artifact_id=artifact_id, key=key, value=value))
        await self.session.flush()

    async def latest_of(self, artifacts: Iterable[Artifact]) -> dict[int, VersionLink]:
        by_id = {artifact.id: artifact for artifact in artifacts}
        if not by_id:
            return {}
        rows = await self.session.execute(
            select(Alias.artifact_id, Version.number, Version.digest)
            .join(Version, Version.id == Alias.version_id)
            .where(Alias.artifact_id.in_(list(by_id)), Alias.name == LATEST)
        )
        links = {}
        for artifact_id, number, digest in rows:
            name = by_id[artifact_id].name
            links[artifact_id] = VersionLink(
                artifact=name,
                number=number,
                name=version_name(number),
                ref=version_ref(name, number),
                digest=digest,
            )
        return links

    async def search(
        self,
        *,
        kind: str | None,
        labels: Mapping[str, str | None],
        include_archived: bool,
        after: str | None,
        limit: int,
    ) -> list[Artifact]:
        """Artifacts by name; ``labels`` maps a key to a required value, or to ``None`` for "has key"."""
        statement = select(Artifact).order_by(Artifact.name).limit(limit)
        if kind:
            statement = statement.where(Artifact.kind == kind)
        if not include_archived:
            statement = statement.where(Artifact.archived.is_(False))
        if after:
            statement = statement.where(Artifact.name > after)
        for key, value in labels.items():
            condition = and_(ArtifactLabel.artifact_id == Artifact.id, ArtifactLabel.key == key)
            if value is not None:
                condition = and_(condition, ArtifactLabel.value == value)
            statement = statement.where(exists().where(condition))
        return list(await self.session.scalars(statement))

    async def touch(self, artifact: Artifact, moment: datetime) -> None:
        artifact.updated_at = moment
        await self.session.flush()
