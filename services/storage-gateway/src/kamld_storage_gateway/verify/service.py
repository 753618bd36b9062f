"""Checks versions against the object store: their manifest objects and every chunk their files name.

The catalog (metadata-hub) says which versions exist and which manifest each one names; this
service reads each manifest and asks the object store which of the chunks are present in
batches (the store's batched size lookup: the local store's pack index and ``stat``, concurrent
``HEAD`` requests on S3), never reading a chunk's bytes. A page of versions is checked at once,
so a chunk shared by several of them is looked up once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kamld_common import patterns
from kamld_common.errors import Invalid, KamldError, NotFound
from kamld_common.http import ServiceClient
from kamld_storage_gateway.chunks import ChunkStore
from kamld_storage_gateway.manifests.repository import CorruptObject, ManifestRepository
from kamld_storage_gateway.verify.schemas import VerifyPage, VersionCheck

REF = re.compile(patterns.REF)
PRESENCE_BATCH = 1000
MAX_LISTED_PATHS = 1000
PAGES_AT_ONCE = 64


@dataclass
class _Walked:
    """What a manifest names: each file's path and chunks, and how many of its objects were unreadable."""

    files: list[tuple[str, list[str]]] = field(default_factory=list)
    missing_objects: int = 0


class Verifier:
    def __init__(self, catalog: ServiceClient, manifests: ManifestRepository, chunks: ChunkStore) -> None:
        self.catalog = catalog
        self.manifests = manifests
        self.chunks = chunks

    async def check(self, artifact: str | None, ref: str | None, after: str | None, limit: int) -> VerifyPage:
        """One page of the check: the versions of the catalog (or of ``artifact``, or ``artifact:ref``)."""
        if ref is not None:
            if artifact is None:
                raise Invalid("ref needs artifact", field=["query", "ref"], code="ref_without_artifact")
            if not REF.fullmatch(ref):
                raise Invalid(
                    f"{ref!r} is not a version reference (v3, 3, an alias or a digest prefix)",
                    field=["query", "ref"],
                    code="invalid_ref",
                )
            if after:
                raise Invalid(
                    f"cursor {after!r} is not one this list answered",
                    field=["query", "after"],
                    code="unknown_cursor",
                )
            try:
                response = await self.catalog.get(f"/artifacts/{artifact}/versions/{ref}")
            except KamldError as exc:
                # Name the query parameter at fault (the catalog names its own path's).
                if exc.code == "artifact_not_found":
                    exc.extra["field"] = ["query", "artifact"]
                elif "field" in exc.extra:
                    exc.extra["field"] = ["query", "ref"]
                raise
            body = response.json()
            versions = [(body["artifact"], int(body["number"]), body["digest"])]
            next_cursor, total = None, 1
        else:
            params: dict[str, str | int] = {"limit": limit}
            if artifact is not None:
                params["artifact"] = artifact
            if after:
                params["after"] = after
            body = (await self.catalog.get("/catalog-versions", params=params)).json()
            versions = [(item["artifact"], int(item["number"]), item["digest"]) for item in body["items"]]
            next_cursor, total = body.get("next"), int(body.get("total", len(versions)))
        return VerifyPage(items=await self.check_versions(versions), next=next_cursor, total=total)

    async def check_versions(self, versions: list[tuple[str, int, str]]) -> list[VersionCheck]:
        walked: dict[str, _Walked] = {}
        for _, _, digest in versions:
            if digest not in walked:
                walked[digest] = await self._walk(digest)
        wanted = list(
            dict.fromkeys(chunk for w in walked.values() for _, chunks in w.files for chunk in chunks)
        )
        missing: set[str] = set()
        for start in range(0, len(wanted), PRESENCE_BATCH):
            missing.update(await self.chunks.missing(wanted[start : start + PRESENCE_BATCH]))
        results = []
        for name, number, digest in versions:
            found = walked[digest]
            distinct = {chunk for _, chunks in found.files for chunk in chunks}
            damaged = [path for path, chunks in found.files if any(chunk in missing for chunk in chunks)]
            absent = len(distinct & missing)
            results.append(
                VersionCheck(
                    artifact=name,
                    number=number,
                    ref=f"{name}:v{number}",
                    digest=digest,
                    ok=absent == 0 and found.missing_objects == 0,
                    files=len(found.files),
                    chunks=len(distinct),
                    missing_chunks=absent,
                    missing_manifest_objects=found.missing_objects,
                    damaged_file_count=len(damaged),
                    damaged_files=damaged[:MAX_LISTED_PATHS],
                )
            )
        return results

    async def _walk(self, digest: str) -> _Walked:
        walked = _Walked()
        try:
            root = await self.manifests.get_root(digest)
        except (NotFound, CorruptObject):
            walked.missing_objects = 1
            return walked
        digests = [page.digest for page in root.pages]
        for start in range(0, len(digests), PAGES_AT_ONCE):
            batch = digests[start : start + PAGES_AT_ONCE]
            try:
                pages = [page.entries for page in await self.manifests.get_pages(batch)]
            except KamldError:
                pages = []
                for one in batch:  # again one by one, to count exactly the unreadable ones
                    try:
                        pages.append(await self.manifests.get_page(one))
                    except KamldError:
                        walked.missing_objects += 1
            for entries in pages:
                walked.files.extend(
                    (entry.path, [chunk.digest for chunk in entry.chunks]) for entry in entries
                )
        return walked
