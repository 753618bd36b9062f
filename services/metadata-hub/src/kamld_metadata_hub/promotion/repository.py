"""Database access for promotion policies and the facts their rules read. Writers hold the
artifact's write lock (as every alias move does), so a policy change and a move never interleave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamld_metadata_hub.indexing.jobs import JobKind
from kamld_metadata_hub.models import AliasPolicy, Artifact, IndexJob, Version, VersionInput, VersionProfile
from kamld_metadata_hub.promotion.rules import TrainingInput, TrainingTable
from kamld_metadata_hub.references import version_ref

PROFILING_JOBS = [JobKind.MANIFEST.value, JobKind.PROFILE.value]
CODE_ROLE = "code"


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, artifact_id: int, alias: str) -> AliasPolicy | None:
        return await self.session.get(AliasPolicy, (artifact_id, alias), populate_existing=True)

    async def put(
        self, artifact_id: int, alias: str, rules: list[dict[str, Any]], actor: str, now: datetime
    ) -> AliasPolicy:
        policy = await self.get(artifact_id, alias)
        if policy is None:
            policy = AliasPolicy(artifact_id=artifact_id, alias=alias)
            self.session.add(policy)
        policy.rules = rules
        policy.updated_at = now
        policy.updated_by = actor
        await self.session.flush()
        return policy

    async def delete(self, policy: AliasPolicy) -> None:
        await self.session.delete(policy)
        await self.session.flush()

    async def training_inputs(self, version_id: int) -> list[TrainingInput]:
        """The version's inputs (not its code), each with its profiled tables and whether its
        profiling is still queued."""
        rows = list(
            await self.session.execute(
                select(VersionInput.role, Version.id, Version.number, Artifact.name)
                .join(Version, Version.id == VersionInput.input_id)
                .join(Artifact, Artifact.id == Version.artifact_id)
                .where(VersionInput.version_id == version_id, VersionInput.role != CODE_ROLE)
                .order_by(VersionInput.role, Artifact.name)
            )
        )
        ids = [version for _, version, _, _ in rows]
        profiles: dict[int, list[VersionProfile]] = {version: [] for version in ids}
        pending: set[int] = set()
        if ids:
            for profile in await self.session.scalars(
                select(VersionProfile)
                .where(VersionProfile.version_id.in_(ids), VersionProfile.kind == "table")
                .order_by(VersionProfile.path)
            ):
                profiles[profile.version_id].append(profile)
            pending = set(
                await self.session.scalars(
                    select(IndexJob.target_id)
                    .where(IndexJob.kind.in_(PROFILING_JOBS), IndexJob.target_id.in_(ids))
                    .distinct()
                )
            )
        inputs = []
        for role, version, number, name in rows:
            ref = version_ref(name, number)
            tables = [
                TrainingTable(
                    ref=ref,
                    path=profile.path,
                    columns=[
                        (str(column.get("name", "")), str(column.get("type", "")))
                        for column in profile.data.get("columns") or []
                    ],
                )
                for profile in profiles[version]
                if profile.data.get("columns")
            ]
            inputs.append(TrainingInput(ref=ref, role=role, tables=tables, pending=version in pending))
        return inputs
