"""Artifacts: create, read, list, describe, label and archive."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict, Invalid, NotFound
from kamld_common.paging import Page, page_of
from kamld_metadata_hub import events
from kamld_metadata_hub.artifacts.repository import ArtifactRepository
from kamld_metadata_hub.artifacts.schemas import ArtifactCreate, ArtifactUpdate, ArtifactView
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.indexing.jobs import JobKind, enqueue
from kamld_metadata_hub.models import Artifact, utcnow
from kamld_metadata_hub.references import LABEL_KEY
from kamld_metadata_hub.schemas import MAX_LABELS, as_utc
from kamld_metadata_hub.suggestions import close_names, did_you_mean
from kamld_metadata_hub.versions.cache import ResolutionCache


async def unknown_artifact(repository: ArtifactRepository, name: str) -> NotFound:
    """The 404 for a missing artifact, with the names the caller probably meant."""
    suggestions = close_names(name, await repository.names())
    return NotFound(
        f"artifact {name!r} does not exist{did_you_mean(suggestions)}",
        code="artifact_not_found",
        extra={"artifact": name, "suggestions": suggestions},
    )


async def existing_artifact(repository: ArtifactRepository, name: str, *, lock: bool = False) -> Artifact:
    artifact = await (repository.lock(name) if lock else repository.get(name))
    if artifact is None:
        raise await unknown_artifact(repository, name)
    return artifact


async def artifact_views(repository: ArtifactRepository, artifacts: list[Artifact]) -> list[ArtifactView]:
    labels = await repository.labels_of(a.id for a in artifacts)
    latest = await repository.latest_of(artifacts)
    return [
        ArtifactView(
            name=a.name,
            kind=a.kind,
            description=a.description,
            labels=labels[a.id],
            created_at=as_utc(a.created_at),
            created_by=a.created_by,
            updated_at=as_utc(a.updated_at),
            archived=a.archived,
            archived_at=as_utc(a.archived_at) if a.archived_at else None,
            archived_by=a.archived_by,
            version_count=a.next_number - 1,
            latest=latest.get(a.id),
        )
        for a in artifacts
    ]


def parse_label_filters(filters: list[str]) -> dict[str, str | None]:
    """``key=value`` requires that value; a bare ``key`` requires the label to exist."""
    parsed: dict[str, str | None] = {}
    for item in filters:
        key, equals, value = item.partition("=")
        if not LABEL_KEY.fullmatch(key):
            raise Invalid(f"label filter {item!r} must be KEY or KEY=VALUE", field=["query", "label"])
        parsed[key] = value if equals else None
    return parsed


async def new_artifact(
    repository: ArtifactRepository,
    *,
    name: str,
    kind: str,
    description: str,
    labels: Mapping[str, str],
    actor: str,
) -> Artifact:
    """Insert an artifact; a name taken concurrently surfaces as IntegrityError (the transaction retries)."""
    now = utcnow()
    artifact = await repository.add(
        Artifact(
            name=name,
            kind=kind,
            description=description,
            created_at=now,
            created_by=actor,
            updated_at=now,
            archived=False,
            next_number=1,
        )
    )
    if labels:
        await repository.apply_labels(artifact.id, dict(labels))
    enqueue(repository.session, JobKind.ARTIFACT, artifact.id)
    return artifact


async def apply_artifact_changes(
    repository: ArtifactRepository,
    artifact: Artifact,
    *,
    description: str | None,
    labels: Mapping[str, str | None] | None,
) -> None:
    """Set the description and merge the labels (``None`` removes one) of a locked artifact; the
    one place both a PATCH and a push change an artifact, so both apply the same rules."""
    if description is None and not labels:
        return
    if description is not None:
        artifact.description = description
    if labels:
        await repository.apply_labels(artifact.id, labels)
        count = len((await repository.labels_of([artifact.id]))[artifact.id])
        if count > MAX_LABELS:
            raise Invalid(
                f"an artifact has at most {MAX_LABELS} labels; {artifact.name} would have {count}",
                field=["body", "labels"],
            )
    await repository.touch(artifact, utcnow())
    enqueue(repository.session, JobKind.ARTIFACT, artifact.id)


async def _editable_state(repository: ArtifactRepository, artifact: Artifact) -> dict[str, object]:
    """What an edit can change, as an event's before/after."""
    labels = (await repository.labels_of([artifact.id]))[artifact.id]
    return {"description": artifact.description, "labels": dict(labels)}


class ArtifactService:
    def __init__(self, database: Database, cache: ResolutionCache | None = None) -> None:
        self.database = database
        self.cache = cache

    async def create(self, data: ArtifactCreate, actor: str) -> ArtifactView:
        async def work(session: AsyncSession) -> ArtifactView:
            repository = ArtifactRepository(session)
            if await repository.get(data.name) is not None:
                raise Conflict(
                    f"artifact {data.name!r} already exists",
                    code="artifact_exists",
                    extra={"artifact": data.name},
                )
            artifact = await new_artifact(
                repository,
                name=data.name,
                kind=data.kind,
                description=data.description,
                labels=data.labels,
                actor=actor,
            )
            await events.emit(
                session, events.artifact_created(data.name, data.kind, data.description, data.labels, actor)
            )
            return (await artifact_views(repository, [artifact]))[0]

        return await in_transaction(self.database, work)

    async def get(self, name: str) -> ArtifactView:
        async with self.database.unit_of_work() as session:
            repository = ArtifactRepository(session)
            artifact = await existing_artifact(repository, name)
            return (await artifact_views(repository, [artifact]))[0]

    async def get_rendered(self, name: str) -> bytes:
        """:meth:`get` as its JSON body, from the cache while the artifact is unchanged (see
        :mod:`kamld_metadata_hub.versions.cache`)."""

        async def render() -> bytes:
            return (await self.get(name)).model_dump_json().encode()

        if self.cache is None:
            return await render()
        return await self.cache.rendered(name, ("artifact",), render)

    async def list(
        self,
        *,
        kind: str | None = None,
        label_filters: list[str] | None = None,
        include_archived: bool = False,
        after: str | None = None,
        limit: int = 100,
    ) -> Page[ArtifactView]:
        labels = parse_label_filters(label_filters or [])
        async with self.database.unit_of_work() as session:
            repository = ArtifactRepository(session)
            artifacts = await repository.search(
                kind=kind, labels=labels, include_archived=include_archived, after=after, limit=limit + 1
            )
            views = await artifact_views(repository, artifacts)
        return page_of(views, limit, lambda view: view.name)

    async def update(self, name: str, patch: ArtifactUpdate, actor: str) -> ArtifactView:
        async def work(session: AsyncSession) -> ArtifactView:
            repository = ArtifactRepository(session)
            artifact = await existing_artifact(repository, name, lock=True)
            before = await _editable_state(repository, artifact)
            await apply_artifact_changes(
                repository, artifact, description=patch.description, labels=patch.labels
            )
            after = await _editable_state(repository, artifact)
            if after != before:
                await events.emit(session, events.artifact_edited(name, before, after, actor))
            return (await artifact_views(repository, [artifact]))[0]

        return await in_transaction(self.database, work)

    async def set_archived(self, name: str, archived: bool, actor: str) -> ArtifactView:
        """Archive (hide from listings, refuse new versions) or restore; versions stay readable."""

        async def work(session: AsyncSession) -> ArtifactView:
            repository = ArtifactRepository(session)
            artifact = await existing_artifact(repository, name, lock=True)
            if artifact.archived != archived:
                now = utcnow()
                artifact.archived = archived
                artifact.archived_at = now if archived else None
                artifact.archived_by = actor if archived else None
                await repository.touch(artifact, now)
                enqueue(session, JobKind.ARTIFACT, artifact.id)
                await events.emit(session, events.artifact_archived(name, archived, actor))
            return (await artifact_views(repository, [artifact]))[0]

        return await in_transaction(self.database, work)
