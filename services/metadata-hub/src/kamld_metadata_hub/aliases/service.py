"""Aliases: movable names for versions, every move recorded; `latest` is moved only by pushes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict, NotFound
from kamld_common.paging import Page, int_cursor, page_of
from kamld_metadata_hub import events
from kamld_metadata_hub.aliases.names import movable_alias, writable
from kamld_metadata_hub.aliases.repository import AliasRepository, Override
from kamld_metadata_hub.aliases.schemas import AliasEventView, AliasSet, AliasView
from kamld_metadata_hub.artifacts.repository import ArtifactRepository
from kamld_metadata_hub.artifacts.service import existing_artifact
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.models import Alias, Artifact, Version, utcnow
from kamld_metadata_hub.promotion.schemas import GateReason
from kamld_metadata_hub.promotion.service import PromotionGate, refusal
from kamld_metadata_hub.references import check_alias_name, parse_version_selector, version_ref
from kamld_metadata_hub.schemas import as_utc
from kamld_metadata_hub.suggestions import close_names, did_you_mean
from kamld_metadata_hub.versions.service import VersionResolver, link


def _view(artifact: Artifact, alias: Alias, version: Version) -> AliasView:
    return AliasView(
        artifact=artifact.name,
        alias=alias.name,
        version=link(artifact.name, version),
        updated_at=as_utc(alias.updated_at),
        updated_by=alias.updated_by,
    )


class AliasService:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def list(self, name: str) -> list[AliasView]:
        async with self.database.unit_of_work() as session:
            artifact = await existing_artifact(ArtifactRepository(session), name)
            rows = await AliasRepository(session).of_artifact(artifact.id)
            return [_view(artifact, alias, version) for alias, version in rows]

    async def set(self, name: str, alias: str, body: AliasSet, actor: str) -> AliasView:
        """Point ``alias`` at a version; with ``expected_version`` only if it points there now."""
        movable_alias(alias)
        target_selector = parse_version_selector(body.version, ["body", "version"])
        expected_selector = (
            parse_version_selector(body.expected_version, ["body", "expected_version"])
            if body.expected_version is not None
            else None
        )

        async def work(session: AsyncSession) -> AliasView:
            artifact = writable(await existing_artifact(ArtifactRepository(session), name, lock=True))
            resolver = VersionResolver(session)
            target = await resolver.version(artifact, target_selector, ["body", "version"])
            aliases = AliasRepository(session)
            if expected_selector is not None:
                expected = await resolver.version(artifact, expected_selector, ["body", "expected_version"])
                current = await aliases.get(artifact.id, alias)
                if current is None or current.version_id != expected.id:
                    pointed = await session.get(Version, current.version_id) if current else None
                    now_at = version_ref(artifact.name, pointed.number) if pointed else None
                    raise Conflict(
                        f"alias {alias!r} points at {now_at or 'nothing'}, not "
                        f"{version_ref(artifact.name, expected.number)}",
                        code="alias_mismatch",
                        extra={
                            "artifact": artifact.name,
                            "alias": alias,
                            "current": now_at,
                            "expected": version_ref(artifact.name, expected.number),
                        },
                    )
            before = await aliases.get(artifact.id, alias)
            before_version = await session.get(Version, before.version_id) if before else None
            if before is not None and before.version_id == target.id:
                return _view(artifact, before, target)  # no move: nothing to check or record
            verdict = await PromotionGate(session).check(artifact, alias, before_version, target)
            override = None
            if body.override_reason is not None:
                override = Override(reason=body.override_reason, refusals=verdict.reasons)
            elif verdict.reasons:
                raise refusal(
                    artifact.name,
                    alias,
                    version_ref(artifact.name, target.number),
                    version_ref(artifact.name, before_version.number) if before_version else None,
                    verdict.reasons,
                )
            moved = await aliases.point(artifact.id, alias, target.id, actor, utcnow(), override)
            previous = before_version.number if before_version else None
            await events.emit(
                session, events.alias_moved(name, alias, previous, target.number, actor, override)
            )
            return _view(artifact, moved, target)

        return await in_transaction(self.database, work)

    async def delete(self, name: str, alias: str, actor: str) -> None:
        movable_alias(alias)

        async def work(session: AsyncSession) -> None:
            artifact = writable(await existing_artifact(ArtifactRepository(session), name, lock=True))
            aliases = AliasRepository(session)
            current = await aliases.get(artifact.id, alias)
            if current is None:
                suggestions = close_names(alias, await aliases.names(artifact.id))
                raise NotFound(
                    f"{name} has no alias {alias!r}{did_you_mean(suggestions)}",
                    code="alias_not_found",
                    extra={"artifact": name, "alias": alias, "suggestions": suggestions},
                )
            pointed = await session.get(Version, current.version_id)
            await aliases.remove(current, actor, utcnow())
            await events.emit(
                session, events.alias_moved(name, alias, pointed.number if pointed else None, None, actor)
            )

        await in_transaction(self.database, work)

    async def history(self, name: str, alias: str, after: str | None, limit: int) -> Page[AliasEventView]:
        check_alias_name(alias, ["path", "alias"])
        before = int_cursor(after)
        async with self.database.unit_of_work() as session:
            artifact = await existing_artifact(ArtifactRepository(session), name)
            rows = await AliasRepository(session).history(artifact.id, alias, before, limit + 1)
        events = [
            AliasEventView(
                id=event.id,
                artifact=artifact.name,
                alias=event.alias,
                action="set" if source is None else "delete" if target is None else "move",
                from_version=source,
                to_version=target,
                actor=event.actor,
                at=as_utc(event.at),
                override_reason=event.override_reason,
                overridden=[GateReason.model_validate(item) for item in event.overridden or []],
            )
            for event, source, target in rows
        ]
        return page_of(events, limit, lambda event: str(event.id))
