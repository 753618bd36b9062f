"""The catalog composed from metadata-hub (names, versions, aliases, lineage) and storage-gateway
(manifests and content). No HTTP framework types here: callers get plain JSON-like values, and
upstream errors arrive as the :class:`~kamld_common.errors.KamldError` each service reported.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from kamld_common.errors import error_from_problem
from kamld_common.http import ServiceClient
from kamld_common.paging import Page
from kamld_workbench_api.catalog.cache import VersionCache
from kamld_workbench_api.catalog.listings import ListingCache
from kamld_workbench_api.catalog.media import file_headers
from kamld_workbench_api.catalog.schemas import FileView
from kamld_workbench_api.coalescing import ReadCoalescer

JSON = Any
"""An upstream service's JSON, passed on: the route's declared response model validates it."""

# Headers of a download that the client needs and that are safe to pass on from storage-gateway
# (the type and the name are the gateway's own: see :mod:`.media`).
PASSED_DOWNLOAD_HEADERS = (
    "content-length",
    "content-range",
    "accept-ranges",
    "etag",
    "last-modified",
)


# A page of a file listing as the public route answers it: checked and rendered once per page.
FILE_PAGE = TypeAdapter(Page[FileView])


def segment(value: str) -> str:
    """One path segment for an upstream URL."""
    return quote(value, safe="")


def file_path(value: str) -> str:
    """A file path for an upstream URL: its slashes stay, everything else is escaped."""
    return quote(value, safe="/")


def _params(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != []}


@dataclass
class Download:
    """An open stream of one file's bytes from storage-gateway; ``close`` releases the connection."""

    status: int
    headers: dict[str, str]
    response: httpx.Response = field(repr=False)

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_raw():
                yield chunk
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        await self.response.aclose()


async def open_stream(client: ServiceClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send a request whose answer is streamed; an error answer is read and raised as its KamldError."""
    response = await client.open_stream(method, url, **kwargs)
    if response.status_code >= 400:
        await response.aread()
        await response.aclose()
        try:
            body = response.json()
        except ValueError:
            body = None
        raise error_from_problem(response.status_code, body if isinstance(body, dict) else None)
    return response


class Catalog:
    """What the public catalog routes do, one method per operation."""

    def __init__(
        self,
        metadata: ServiceClient,
        storage: ServiceClient,
        version_reads: ReadCoalescer[bytes] | None = None,
        recent_versions: VersionCache | None = None,
        catalog_reads: ReadCoalescer[bytes] | None = None,
        file_pages: ListingCache | None = None,
    ) -> None:
        self.metadata = metadata
        self.storage = storage
        self.version_reads = version_reads or ReadCoalescer()
        self.recent_versions = recent_versions or VersionCache(ttl_s=0)
        self.catalog_reads = catalog_reads or ReadCoalescer()
        self.file_pages = file_pages if file_pages is not None else ListingCache(capacity_bytes=0)

    @asynccontextmanager
    async def _writing(self, name: str) -> AsyncIterator[None]:
        """Around a write to an artifact: afterwards (even a failed or timed-out one, which may
        have landed) this process no longer serves what it remembered about the artifact."""
        try:
            yield
        finally:
            self.recent_versions.forget(name)

    # artifacts ---------------------------------------------------------------------------------

    async def list_artifacts(self, **query: Any) -> JSON:
        return (await self.metadata.get("/artifacts", params=_params(query))).json()

    async def create_artifact(self, body: JSON) -> JSON:
        return (await self.metadata.post("/artifacts", json=body)).json()

    async def _shared_read(
        self, key: tuple[Any, ...], url: str, query: Mapping[str, Any] | None = None
    ) -> bytes:
        """metadata-hub's JSON body for ``url`` (the public shape, passed on unparsed); concurrent
        identical reads share a call that began after all of them arrived (see
        :mod:`kamld_workbench_api.coalescing`), so every answer is as fresh as an uncoalesced one."""
        params = _params(query or {})

        async def fetch() -> bytes:
            return (await self.metadata.get(url, params=params)).content

        return await self.catalog_reads.read(key, fetch)

    async def artifact_body(self, name: str) -> bytes:
        return await self._shared_read(("artifact", name), f"/artifacts/{segment(name)}")

    async def update_artifact(self, name: str, patch: JSON) -> JSON:
        async with self._writing(name):
            return (await self.metadata.patch(f"/artifacts/{segment(name)}", json=patch)).json()

    async def set_archived(self, name: str, archived: bool) -> JSON:
        action = "archive" if archived else "unarchive"
        async with self._writing(name):
            return (await self.metadata.post(f"/artifacts/{segment(name)}/{action}")).json()

    # versions ----------------------------------------------------------------------------------

    async def log_body(self, name: str, *, after: str | None, limit: int) -> bytes:
        url = f"/artifacts/{segment(name)}/versions"
        return await self._shared_read(("log", name, after, limit), url, {"after": after, "limit": limit})

    async def get_version(self, name: str, ref: str) -> JSON:
        return json.loads(await self.version_body(name, ref))

    async def version_body(self, name: str, ref: str) -> bytes:
        """The resolved version as metadata-hub's JSON body (the public shape, passed on unparsed);
        concurrent resolutions of one reference share a call (see :mod:`kamld_workbench_api.coalescing`)."""
        url = f"/artifacts/{segment(name)}/versions/{segment(ref)}"

        async def fetch() -> bytes:
            return (await self.metadata.get(url)).content

        return await self.version_reads.read((name, ref), fetch)

    async def recent_version_body(self, name: str, ref: str) -> tuple[bytes, float]:
        """:meth:`version_body`, or its copy this process fetched less than the cache's TTL ago
        (see :mod:`.cache`), with its age in seconds."""
        cache = self.recent_versions
        if (hit := cache.get(name, ref)) is not None:
            return hit
        ticket, started = cache.ticket(name), cache.clock()
        body = await self.version_body(name, ref)
        cache.put(name, ref, body, ticket, started)
        return body, 0.0

    async def create_version(self, name: str, request: JSON) -> JSON:
        """Record a committed upload as the artifact's next version.

        The manifest must exist in storage-gateway (so a version never names content that is not
        there), and its file count and size are taken from it rather than trusted from the client.
        """
        manifest = await self.manifest(request["digest"])
        body = {**request, "file_count": manifest["file_count"], "total_bytes": manifest["total_bytes"]}
        async with self._writing(name):
            answer = await self.metadata.post(f"/artifacts/{segment(name)}/versions", json=body)
        return answer.json()

    # content -----------------------------------------------------------------------------------

    async def manifest(self, digest: str) -> JSON:
        return (await self.storage.get(f"/manifests/{segment(digest)}")).json()

    async def list_files_body(
        self, name: str, ref: str, *, prefix: str | None, after: str | None, limit: int
    ) -> bytes:
        """A page of the version's files as the public JSON body. The reference is resolved exactly;
        the page itself is the same for ever once its manifest is committed (see :mod:`.listings`)."""
        digest = (await self.get_version(name, ref))["digest"]
        key = (digest, prefix, after, limit)
        if (body := self.file_pages.get(key)) is not None:
            return body

        async def fetch() -> bytes:
            query = _params({"prefix": prefix, "after": after, "limit": limit})
            page = (await self.storage.get(f"/manifests/{segment(digest)}/files", params=query)).json()
            page["items"] = [_file_view(entry) for entry in page["items"]]
            return FILE_PAGE.dump_json(FILE_PAGE.validate_python(page))

        body = await self.catalog_reads.read(("files", *key), fetch)
        self.file_pages.put(key, body)
        return body

    async def open_file(
        self, name: str, ref: str, path: str, conditions: Mapping[str, str], *, method: str = "GET"
    ) -> Download:
        """Stream one file of a version (``HEAD``: only its headers), passing ``Range``, ``If-Range``
        and ``If-None-Match`` on, typed and named by its path."""
        version = await self.get_version(name, ref)
        headers = {key: value for key, value in conditions.items() if value}
        url = f"/manifests/{segment(version['digest'])}/files/{file_path(path)}"
        response = await open_stream(self.storage, method, url, headers=headers)
        passed = {k: v for k, v in response.headers.items() if k.lower() in PASSED_DOWNLOAD_HEADERS}
        if response.status_code != 304:
            passed.update(file_headers(path))
        return Download(status=response.status_code, headers=passed, response=response)

    async def diff(self, name: str, from_ref: str, to_ref: str, **query: Any) -> JSON:
        """Resolve both refs in the catalog, then diff their manifests in storage-gateway."""
        old = await self.get_version(name, from_ref)
        new = await self.get_version(name, to_ref)
        url = f"/manifests/{segment(old['digest'])}/diff/{segment(new['digest'])}"
        page = (await self.storage.get(url, params=_params(query))).json()
        return {
            "from_version": _link(old),
            "to_version": _link(new),
            "changes": [_change_view(change) for change in page["items"]],
            "next": page.get("next"),
        }

    # aliases and lineage -----------------------------------------------------------------------

    async def aliases(self, name: str) -> list[JSON]:
        return (await self.metadata.get(f"/artifacts/{segment(name)}/aliases")).json()

    async def set_alias(self, name: str, alias: str, body: JSON) -> JSON:
        url = f"/artifacts/{segment(name)}/aliases/{segment(alias)}"
        async with self._writing(name):
            return (await self.metadata.put(url, json=body)).json()

    async def delete_alias(self, name: str, alias: str) -> None:
        async with self._writing(name):
            await self.metadata.delete(f"/artifacts/{segment(name)}/aliases/{segment(alias)}")

    async def alias_policy(self, name: str, alias: str) -> JSON:
        return (await self.metadata.get(f"/artifacts/{segment(name)}/aliases/{segment(alias)}/policy")).json()

    async def set_alias_policy(self, name: str, alias: str, body: JSON) -> JSON:
        url = f"/artifacts/{segment(name)}/aliases/{segment(alias)}/policy"
        return (await self.metadata.put(url, json=body)).json()

    async def delete_alias_policy(self, name: str, alias: str) -> None:
        await self.metadata.delete(f"/artifacts/{segment(name)}/aliases/{segment(alias)}/policy")

    async def alias_history(self, name: str, alias: str, **query: Any) -> JSON:
        url = f"/artifacts/{segment(name)}/aliases/{segment(alias)}/history"
        return (await self.metadata.get(url, params=_params(query))).json()

    async def lineage(self, name: str, ref: str, **query: Any) -> JSON:
        url = f"/artifacts/{segment(name)}/versions/{segment(ref)}/lineage"
        return (await self.metadata.get(url, params=_params(query))).json()


def _link(version: JSON) -> JSON:
    return {key: version[key] for key in ("artifact", "number", "name", "ref", "digest")}


def _file_view(entry: JSON) -> JSON:
    return {"path": entry["path"], "size": entry["size"], "mode": entry["mode"], "digest": entry["digest"]}


def _change_view(change: JSON) -> JSON:
    old, new = change.get("old") or {}, change.get("new") or {}
    return {
        "change": change["change"],
        "path": change["path"],
        "old_path": change.get("old_path"),
        "old_size": old.get("size"),
        "new_size": new.get("size"),
        "old_digest": old.get("digest"),
        "new_digest": new.get("digest"),
    }
