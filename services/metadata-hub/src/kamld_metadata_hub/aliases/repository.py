"""Database access for aliases and their history. Callers hold the artifact's write lock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from kamld_metadata_hub.indexing.jobs import JobKind, enqueue
from kamld_metadata_hub.models import Alias, AliasEvent, Version
from kamld_metadata_hub.promotion.schemas import GateReason


@dataclass(frozen=True)
class Override:
    """An admin's move past the alias's promotion policy: why, and the refusals it set aside."""

    reason: str
    refusals: list[GateReason] = field(default_factory=list)

    def recorded(self) -> dict[str, object]:
        return {
            "override_reason": self.reason,
            "overridden": [reason.model_dump() for reason in self.refusals],
        }


class AliasRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, artifact_id: int, alias: str) -> Alias | None:
        return await self.session.get(Alias, (artifact_id, alias), populate_existing=True)

    async def of_artifact(self, artifact_id: int) -> list[tuple[Alias, Version]]:
        rows = await self.session.execute(
            select(Alias, Version)
            .join(Version, Version.id == Alias.version_id)
            .where(Alias.artifact_id == artifact_id)
            .order_by(Alias.name)
        )
        return [(alias, version) for alias, version in rows]

    async def names(self, artifact_id: int) -> list[str]:
        rows = await self.session.execute(select(Alias.name).where(Alias.artifact_id == artifact_id))
        return sorted(rows.scalars())

    async def names_by_version(self, version_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = list(version_ids)
        names: dict[int, list[str]] = {version_id: [] for version_id in ids}
        if ids:
            rows = await self.session.execute(
                select(Alias.version_id, Alias.name).where(Alias.version_id.in_(ids)).order_by(Alias.name)
            )
            for version_id, name in rows:
                names[version_id].append(name)
        return names

    async def point(
        self,
        artifact_id: int,
        alias: str,
        version_id: int,
        actor: str,
        now: datetime,
        override: Override | None = None,
    ) -> Alias:
        """Set or move ``alias`` to ``version_id`` and record the move (no record when it stays put),
        with the ``override`` of its promotion policy when there was one."""
        recorded = override.recorded() if override is not None else {}
        current = await self.get(artifact_id, alias)
        if current is None:
            current = Alias(
                artifact_id=artifact_id, name=alias, version_id=version_id, updated_at=now, updated_by=actor
            )
            self.session.add(current)
            self.session.add(
                AliasEvent(
                    artifact_id=artifact_id,
                    alias=alias,
                    from_version_id=None,
                    to_version_id=version_id,
                    actor=actor,
                    at=now,
                    **recorded,
                )
            )
        elif current.version_id != version_id:
            self.session.add(
                AliasEvent(
                    artifact_id=artifact_id,
                    alias=alias,
                    from_version_id=current.version_id,
                    to_version_id=version_id,
                    actor=actor,
                    at=now,
                    **recorded,
                )
            )
            enqueue(self.session, JobKind.VERSION_DOC, current.version_id)
            current.version_id = version_id
            current.updated_at = now
            current.updated_by = actor
        else:
            return current
        enqueue(self.session, JobKind.VERSION_DOC, version_id)
        await self.session.flush()
        return current

    async def remove(self, alias: Alias, actor: str, now: datetime) -> None:
        self.session.add(
            AliasEvent(
                artifact_id=alias.artifact_id,
                alias=alias.name,
                from_version_id=alias.version_id,
                to_version_id=None,
                actor=actor,
                at=now,
            )
        )
        enqueue(self.session, JobKind.VERSION_DOC, alias.version_id)
        await self.session.delete(alias)
        await self.session.flush()

    async def history(
        self, artifact_id: int, alias: str, before_id: int | None, limit: int
    ) -> list[tuple[AliasEvent, int | None, int | None]]:
        """Moves of one alias, newest first, with the version numbers they went from and to."""
        source, target = aliased(Version), aliased(Version)
        statement = (
            select(AliasEvent, source.number, target.number)
            .outerjoin(source, source.id == AliasEvent.from_version_id)
            .outerjoin(target, target.id == AliasEvent.to_version_id)
            .where(AliasEvent.artifact_id == artifact_id, AliasEvent.alias == alias)
            .order_by(AliasEvent.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            statement = statement.where(AliasEvent.id < before_id)
        return [(event, before, after) for event, before, after in await self.session.execute(statement)]
