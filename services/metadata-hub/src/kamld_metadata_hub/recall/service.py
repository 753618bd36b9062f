"""Data recall: every version that holds one content digest, what was made from them, and which
aliases point at any of them now (the deletion request's question: which models saw this image?)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from kamld_common.db import Database
from kamld_common.errors import Invalid
from kamld_metadata_hub.indexing.jobs import JobKind
from kamld_metadata_hub.lineage.repository import LineageRepository
from kamld_metadata_hub.models import Alias, IndexJob, VersionFile
from kamld_metadata_hub.recall.schemas import AliasHit, ContainingVersion, DownstreamVersion, RecallView
from kamld_metadata_hub.references import version_name, version_ref

DIGEST_PREFIX = "blake3:"
MAX_VERSIONS = 1000
MAX_PATHS = 100
MAX_DEPTH = 20


def check_digest(digest: str) -> str:
    hexpart = digest[len(DIGEST_PREFIX) :]
    if (
        not digest.startswith(DIGEST_PREFIX)
        or len(hexpart) != 64
        or any(c not in "0123456789abcdef" for c in hexpart)
    ):
        raise Invalid(f"{digest!r} is not a content digest (blake3:<64 hex>)", field=["query", "digest"])
    return digest


class RecallService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def recall(self, digest: str) -> RecallView:
        check_digest(digest)
        async with self.database.unit_of_work() as session:
            rows = (
                await session.execute(
                    select(VersionFile.version_id, VersionFile.path, VersionFile.size)
                    .where(VersionFile.digest == digest)
                    .order_by(VersionFile.version_id, VersionFile.path)
                    .limit(MAX_VERSIONS * 10)
                )
            ).all()
            paths: dict[int, list[str]] = defaultdict(list)
            size = None
            for version_id, path, file_size in rows:
                size = file_size
                if len(paths[version_id]) < MAX_PATHS:
                    paths[version_id].append(path)
            truncated = len(paths) > MAX_VERSIONS
            holding = list(paths)[:MAX_VERSIONS]
            lineage = LineageRepository(session)
            # Walk input edges only: later versions of the same artifact hold the content (and are
            # listed above) or do not (they were made without it).
            downstream: dict[int, tuple[int, str, int]] = {}
            frontier = set(holding)
            for distance in range(1, MAX_DEPTH + 1):
                if not frontier:
                    break
                found = await lineage.edges_out_of(frontier)
                frontier = set()
                for source, target, role in found:
                    if role == "parent" or target in paths or target in downstream:
                        continue
                    if len(downstream) + len(holding) >= MAX_VERSIONS:
                        truncated = True
                        break
                    downstream[target] = (source, role, distance)
                    frontier.add(target)
            everything = set(holding) | set(downstream)
            versions = await lineage.versions(everything)
            alias_rows = (
                await session.execute(
                    select(Alias.version_id, Alias.name).where(Alias.version_id.in_(everything))
                )
            ).all()
            pending = await session.scalar(
                select(IndexJob.id)
                .where(IndexJob.kind.in_([JobKind.MANIFEST.value, JobKind.REBUILD.value]))
                .limit(1)
            )
        aliases: dict[int, list[str]] = defaultdict(list)
        for version_id, name in alias_rows:
            aliases[version_id].append(name)

        def ref(version_id: int) -> str:
            version, artifact = versions[version_id]
            return version_ref(artifact.name, version.number)

        def link(version_id: int) -> dict[str, object]:
            version, artifact = versions[version_id]
            return {
                "artifact": artifact.name,
                "number": version.number,
                "name": version_name(version.number),
                "ref": ref(version_id),
                "digest": version.digest,
                "kind": artifact.kind,
                "aliases": sorted(aliases[version_id]),
            }

        def made_from(version_id: int) -> list[str]:
            chain = []
            while version_id in downstream:
                version_id = downstream[version_id][0]
                chain.append(ref(version_id))
            return chain

        contains = [ContainingVersion(**link(v), paths=paths[v]) for v in holding if v in versions]
        below = [
            DownstreamVersion(
                **link(v), made_from=made_from(v), role=downstream[v][1], distance=downstream[v][2]
            )
            for v in downstream
            if v in versions
        ]
        contains.sort(key=lambda item: (item.artifact, item.number))
        below.sort(key=lambda item: (item.distance, item.artifact, item.number))
        hits = sorted(
            (
                AliasHit(artifact=versions[v][1].name, alias=name, ref=ref(v))
                for v in everything
                if v in versions
                for name in aliases[v]
            ),
            key=lambda hit: (hit.artifact, hit.alias),
        )
        return RecallView(
            digest=digest,
            size=size,
            contains=contains,
            downstream=below,
            aliases=hits,
            complete=pending is None,
            truncated=truncated,
        )
