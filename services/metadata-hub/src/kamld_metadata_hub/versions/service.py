"""Versions: push (number, link, move `latest`), resolve references, read the log and the digests."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from kamld_common.db import Database
from kamld_common.errors import Conflict, Invalid, NotFound
from kamld_common.paging import Page, page_of
from kamld_metadata_hub import events
from kamld_metadata_hub.aliases.repository import AliasRepository
from kamld_metadata_hub.artifacts.repository import ArtifactRepository
from kamld_metadata_hub.artifacts.service import (
    apply_artifact_changes,
    existing_artifact,
    new_artifact,
    unknown_artifact,
)
from kamld_metadata_hub.db import in_transaction
from kamld_metadata_hub.indexing.jobs import JobKind, enqueue
from kamld_metadata_hub.models import Artifact, Version, utcnow
from kamld_metadata_hub.references import (
    LATEST,
    Reference,
    SelectorKind,
    VersionSelector,
    parse_reference,
    parse_version_selector,
    version_name,
    version_ref,
)
from kamld_metadata_hub.schemas import VersionLink, as_utc
from kamld_metadata_hub.suggestions import close_names, did_you_mean
from kamld_metadata_hub.versions.cache import ResolutionCache
from kamld_metadata_hub.versions.repository import VersionRepository
from kamld_metadata_hub.versions.schemas import (
    CatalogVersion,
    CatalogVersionPage,
    InputLink,
    PushedVersionView,
    ResolvedReference,
    VersionCreate,
    VersionView,
)

MAX_CANDIDATES = 10

Field = str | list[str | int]


def link(artifact_name: str, version: Version) -> VersionLink:
    return VersionLink(
        artifact=artifact_name,
        number=version.number,
        name=version_name(version.number),
        ref=version_ref(artifact_name, version.number),
        digest=version.digest,
    )


async def version_views(
    session: AsyncSession, artifact: Artifact, versions: Sequence[Version]
) -> list[VersionView]:
    """Full views of versions of one artifact, loading their edges and aliases in three queries."""
    ids = [version.id for version in versions]
    repository = VersionRepository(session)
    parents = await repository.parents_of(ids)
    inputs = await repository.inputs_of(ids)
    aliases = await AliasRepository(session).names_by_version(ids)
    return [
        VersionView(
            **link(artifact.name, version).model_dump(),
            kind=artifact.kind,
            parents=[link(artifact.name, parent) for parent in parents[version.id]],
            inputs=[
                InputLink(**link(source_name, source).model_dump(), role=role)
                for source, source_name, role in inputs[version.id]
            ],
            message=version.message,
            author=version.author,
            created_at=as_utc(version.created_at),
            metadata=version.meta,
            file_count=version.file_count,
            total_bytes=version.total_bytes,
            aliases=aliases[version.id],
        )
        for version in versions
    ]


class VersionResolver:
    """Turns names and REFs into rows, with the 404/409 answers a person can act on."""

    def __init__(self, session: AsyncSession) -> None:
        self.artifacts = ArtifactRepository(session)
        self.versions = VersionRepository(session)
        self.aliases = AliasRepository(session)

    async def artifact(self, name: str) -> Artifact:
        return await existing_artifact(self.artifacts, name)

    async def version(self, artifact: Artifact, selector: VersionSelector, field: Field = "ref") -> Version:
        if selector.kind is SelectorKind.NUMBER:
            found = await self.versions.by_number(artifact.id, int(selector.value))
            if found is None:
                raise NotFound(
                    f"{artifact.name} has no version v{selector.value} (it has {artifact.next_number - 1})",
                    code="version_not_found",
                    extra={"artifact": artifact.name, "ref": f"v{selector.value}", "field": field},
                )
            return found
        if selector.kind is SelectorKind.ALIAS:
            found = await self.versions.by_alias(artifact.id, str(selector.value))
            if found is None:
                if selector.value == LATEST:
                    raise NotFound(
                        f"{artifact.name} has no versions yet",
                        code="no_versions",
                        extra={"artifact": artifact.name, "field": field},
                    )
                suggestions = close_names(str(selector.value), await self.aliases.names(artifact.id))
                raise NotFound(
                    f"{artifact.name} has no alias {selector.value!r}{did_you_mean(suggestions)}",
                    code="alias_not_found",
                    extra={
                        "artifact": artifact.name,
                        "ref": selector.value,
                        "field": field,
                        "suggestions": suggestions,
                    },
                )
            return found
        matches = await self.versions.by_digest_prefix(artifact.id, str(selector.value), MAX_CANDIDATES + 1)
        if not matches:
            raise NotFound(
                f"no version of {artifact.name} has a digest starting with {selector.value}",
                code="version_not_found",
                extra={"artifact": artifact.name, "ref": selector.value, "field": field},
            )
        if len(matches) > 1:
            raise Conflict(
                f"digest prefix {selector.value} matches several versions of {artifact.name}; "
                "give more characters",
                code="ambiguous_ref",
                extra={
                    "artifact": artifact.name,
                    "ref": selector.value,
                    "field": field,
                    "candidates": [link(artifact.name, v).model_dump() for v in matches[:MAX_CANDIDATES]],
                },
            )
        return matches[0]

    async def reference(self, reference: Reference, field: Field = "ref") -> tuple[Artifact, Version]:
        """The artifact and version a reference names: one query when both exist (the common case);
        otherwise the step-by-step lookups that explain what is missing."""
        selector = reference.selector
        found: tuple[Artifact, Version] | None = None
        if selector.kind is SelectorKind.ALIAS:
            found = await self.versions.by_artifact_name_and_alias(reference.artifact, str(selector.value))
        elif selector.kind is SelectorKind.NUMBER:
            found = await self.versions.by_artifact_name_and_number(reference.artifact, int(selector.value))
        if found is not None:
            return found
        artifact = await self.artifact(reference.artifact)
        return artifact, await self.version(artifact, selector, field)


def parse_number_cursor(after: str | None) -> int | None:
    if after is None or after == "":
        return None
    text = after[1:] if after.startswith("v") else after
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise Invalid(f"cursor {after!r} must be a version number", field=["query", "after"])
    return int(text)


class VersionService:
    def __init__(
        self, database: Database, cache: ResolutionCache | None = None, emit: events.Emit = events.emit
    ) -> None:
        self.database = database
        self.cache = cache
        self.emit = emit

    async def create(self, name: str, body: VersionCreate, actor: str) -> PushedVersionView:
        """Record a pushed version: the next number, its edges, and `latest` moved onto it.

        Labels and description given with the push are applied to the artifact in the same
        transaction, so a push either lands with them or not at all. A push whose content equals
        the newest version's (and whose parent is that version) records nothing unless
        ``allow_empty``: deciding it here, under the artifact's lock, makes it race-free.
        """

        async def work(session: AsyncSession) -> PushedVersionView:
            artifacts = ArtifactRepository(session)
            artifact = await artifacts.lock(name)
            if artifact is None:
                if body.kind is None:
                    error = await unknown_artifact(artifacts, name)
                    error.detail += "; give `kind` to create it with this push"
                    raise error
                await new_artifact(
                    artifacts,
                    name=name,
                    kind=body.kind,
                    description=body.description or "",
                    labels=body.labels or {},
                    actor=actor,
                )
                await self.emit(
                    session,
                    events.artifact_created(
                        name, body.kind, body.description or "", body.labels or {}, actor
                    ),
                )
                artifact = await artifacts.lock(name)
                assert artifact is not None
                self._check_accepts(artifact, body)
            else:
                self._check_accepts(artifact, body)
                await apply_artifact_changes(
                    artifacts, artifact, description=body.description, labels=body.labels
                )
            resolver = VersionResolver(session)
            versions = VersionRepository(session)
            newest = await versions.newest(artifact.id)
            if body.expected_parent is not None:
                await self._check_expected_parent(resolver, artifact, newest, body.expected_parent)
            parents = await self._parents(resolver, artifact, newest, body.parents)
            inputs = await self._inputs(resolver, name, body)
            if newest is not None and not body.allow_empty and self._repeats(newest, parents, body):
                view = (await version_views(session, artifact, [newest]))[0]
                return PushedVersionView(**view.model_dump(), unchanged=True)
            artifact = await artifacts.lock(name, take_number=True)
            assert artifact is not None
            now = utcnow()
            version = await versions.add(
                Version(
                    artifact_id=artifact.id,
                    number=artifact.next_number - 1,
                    digest=body.digest,
                    message=body.message,
                    author=actor,
                    created_at=now,
                    meta=body.metadata,
                    file_count=body.file_count,
                    total_bytes=body.total_bytes,
                ),
                [parent.id for parent in parents],
                inputs,
            )
            await AliasRepository(session).point(artifact.id, LATEST, version.id, actor, now)
            await artifacts.touch(artifact, now)
            enqueue(session, JobKind.MANIFEST, version.id)
            await self.emit(
                session,
                events.version_committed(
                    name,
                    version.number,
                    version.digest,
                    [parent.number for parent in parents],
                    newest.number if newest else None,
                    actor,
                    body.message,
                ),
            )
            view = (await version_views(session, artifact, [version]))[0]
            return PushedVersionView(**view.model_dump())

        return await in_transaction(self.database, work)

    @staticmethod
    def _repeats(newest: Version, parents: list[Version], body: VersionCreate) -> bool:
        """The push would add a version identical in content to the newest, on top of it alone."""
        return body.digest == newest.digest and [parent.id for parent in parents] == [newest.id]

    @staticmethod
    def _check_accepts(artifact: Artifact, body: VersionCreate) -> None:
        if artifact.archived:
            raise Conflict(
                f"artifact {artifact.name!r} is archived; restore it before pushing",
                code="artifact_archived",
                extra={"artifact": artifact.name},
            )
        if body.kind is not None and body.kind != artifact.kind:
            raise Conflict(
                f"artifact {artifact.name!r} is a {artifact.kind}, not a {body.kind}",
                code="kind_mismatch",
                extra={"artifact": artifact.name, "kind": artifact.kind, "field": ["body", "kind"]},
            )

    @staticmethod
    async def _check_expected_parent(
        resolver: VersionResolver, artifact: Artifact, newest: Version | None, expected_ref: str
    ) -> None:
        field: Field = ["body", "expected_parent"]
        expected = await resolver.version(artifact, parse_version_selector(expected_ref, field), field)
        if newest is None or newest.id != expected.id:
            current = version_ref(artifact.name, newest.number) if newest else None
            raise Conflict(
                f"{artifact.name} moved on: its newest version is {current}, not "
                f"{version_ref(artifact.name, expected.number)}",
                code="parent_mismatch",
                extra={
                    "artifact": artifact.name,
                    "expected": version_ref(artifact.name, expected.number),
                    "current": current,
                },
            )

    @staticmethod
    async def _parents(
        resolver: VersionResolver, artifact: Artifact, newest: Version | None, refs: list[str] | None
    ) -> list[Version]:
        if refs is None:
            return [newest] if newest else []
        parents: dict[int, Version] = {}
        for index, ref in enumerate(refs):
            field: Field = ["body", "parents", index]
            parent = await resolver.version(artifact, parse_version_selector(ref, field), field)
            parents.setdefault(parent.id, parent)
        return list(parents.values())

    @staticmethod
    async def _inputs(resolver: VersionResolver, name: str, body: VersionCreate) -> list[tuple[int, str]]:
        inputs: dict[tuple[int, str], None] = {}
        for index, spec in enumerate(body.inputs):
            field: Field = ["body", "inputs", index, "ref"]
            reference = parse_reference(spec.ref, field)
            if reference.artifact == name:
                raise Invalid(
                    "an input must be a version of another artifact; use `parents` for this one", field=field
                )
            _, source = await resolver.reference(reference, field)
            inputs[(source.id, spec.role)] = None
        return list(inputs)

    async def get(self, name: str, ref: str) -> VersionView:
        reference = Reference(artifact=name, selector=parse_version_selector(ref, ["path", "ref"]))
        async with self.database.unit_of_work() as session:
            artifact, version = await VersionResolver(session).reference(reference, ["path", "ref"])
            return (await version_views(session, artifact, [version]))[0]

    async def get_rendered(self, name: str, ref: str) -> bytes:
        """:meth:`get` as its JSON body, from the resolution cache when the artifact has not
        changed since (see :mod:`kamld_metadata_hub.versions.cache` for why that is exact)."""

        async def render() -> bytes:
            return (await self.get(name, ref)).model_dump_json().encode()

        if self.cache is None:
            return await render()
        return await self.cache.rendered(name, ref, render)

    async def resolve(self, text: str) -> ResolvedReference:
        reference = parse_reference(text, ["query", "ref"], allow_path=True)
        async with self.database.unit_of_work() as session:
            artifact, version = await VersionResolver(session).reference(reference, ["query", "ref"])
            view = (await version_views(session, artifact, [version]))[0]
        return ResolvedReference(**view.model_dump(), path=reference.path)

    async def log(self, name: str, after: str | None, limit: int) -> Page[VersionView]:
        before = parse_number_cursor(after)
        async with self.database.unit_of_work() as session:
            artifact = await VersionResolver(session).artifact(name)
            versions = await VersionRepository(session).log(artifact.id, before, limit + 1)
            views = await version_views(session, artifact, versions)
        return page_of(views, limit, lambda view: str(view.number))

    async def log_rendered(self, name: str, after: str | None, limit: int) -> bytes:
        """:meth:`log` as its JSON body, from the cache while the artifact is unchanged."""

        async def render() -> bytes:
            return (await self.log(name, after, limit)).model_dump_json().encode()

        if self.cache is None:
            return await render()
        return await self.cache.rendered(name, ("log", after, limit), render)

    async def catalog_versions(
        self, artifact: str | None, after: str | None, limit: int
    ) -> CatalogVersionPage:
        """Versions in the order they were recorded (of one artifact, or all), with their digests."""
        cursor: int | None = None
        if after:
            if not (after.isascii() and after.isdigit()) or len(after) > 18:
                raise Invalid(
                    f"cursor {after!r} is not one this list answered",
                    field=["query", "after"],
                    code="unknown_cursor",
                )
            cursor = int(after)
        async with self.database.unit_of_work() as session:
            artifact_id: int | None = None
            if artifact is not None:
                repository = ArtifactRepository(session)
                found = await repository.get(artifact)
                if found is None:
                    error = await unknown_artifact(repository, artifact)
                    error.extra["field"] = ["query", "artifact"]
                    raise error
                artifact_id = found.id
            versions = VersionRepository(session)
            rows = await versions.catalog_page(artifact_id, cursor, limit + 1)
            total = await versions.count_of(artifact_id)
        more = len(rows) > limit
        rows = rows[:limit]
        return CatalogVersionPage(
            items=[
                CatalogVersion(artifact=name, number=number, digest=digest)
                for _, name, number, digest in rows
            ],
            next=str(rows[-1][0]) if more and rows else None,
            total=total,
        )

    async def digests(self, after: str | None, limit: int) -> Page[str]:
        async with self.database.unit_of_work() as session:
            digests = await VersionRepository(session).digests(after, limit + 1)
        return page_of(digests, limit, lambda digest: digest)
