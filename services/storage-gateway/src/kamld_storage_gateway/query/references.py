"""Table references resolved to exact versions and files before a query runs.

``NAME:REF/PATH`` is resolved by metadata-hub (REF: ``v3``, an alias, a digest prefix; absent:
``latest``) and PATH is matched against that version's manifest: a file, or a glob (``*`` and
``?`` within a path segment, ``**`` across segments). The format comes from the file names.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from kamld_common.errors import Invalid, NotFound
from kamld_common.http import ServiceClient
from kamld_content.manifest import FileEntry
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.query.sql import TableReference

MAX_FILES_PER_REFERENCE = 10_000
FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
}
_GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class ResolvedTable:
    """A reference pinned to one version and the exact files it reads."""

    reference: TableReference
    artifact: str
    number: int
    digest: str
    format: str
    files: list[FileEntry]

    @property
    def version(self) -> str:
        return f"{self.artifact}:v{self.number}"


def table_format(path: str) -> str | None:
    lowered = path.lower()
    for suffix, name in FORMATS.items():
        if lowered.endswith(suffix):
            return name
    return None


def glob_pattern(glob: str) -> re.Pattern[str]:
    """``*``/``?`` stay within a segment, ``**/`` matches any number of segments, ``[...]`` a class."""
    out: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:[^/]+/)*")
            index += 3
            continue
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (close := glob.find("]", index + 1)) > index + 1:
            body = glob[index + 1 : close]
            out.append("[" + ("^" + re.escape(body[1:]) if body[0] == "!" else re.escape(body)) + "]")
            index = close + 1
            continue
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out))


class ReferenceResolver:
    """Pins references with metadata-hub and matches their paths in storage-gateway's manifests."""

    def __init__(self, metadata_hub: ServiceClient, manifests: ManifestService) -> None:
        self.metadata_hub = metadata_hub
        self.manifests = manifests

    async def resolve(
        self, reference: TableReference, pinned: Mapping[str, str] | None = None
    ) -> ResolvedTable:
        ref = (pinned or {}).get(reference.text, reference.ref)
        url = f"/artifacts/{quote(reference.name, safe='')}/versions/{quote(ref, safe='')}"
        try:
            version = (await self.metadata_hub.get(url)).json()
        except NotFound as exc:
            raise Invalid(
                f"reference {reference.text!r} does not resolve: {exc.detail}",
                field=["body", "sql"],
                code="reference_not_found",
                extra={"reference": reference.text},
            ) from None
        files = await self._files(version["digest"], reference)
        formats = {table_format(entry.path) for entry in files}
        if None in formats or len(formats) != 1:
            odd = next((entry.path for entry in files if table_format(entry.path) is None), None)
            detail = (
                f"{odd!r} is not a table (CSV, TSV, Parquet or JSON Lines, by its extension)"
                if odd
                else "the files mix table formats"
            )
            raise Invalid(
                f"reference {reference.text!r}: {detail}",
                field=["body", "sql"],
                code="not_a_table",
                extra={"reference": reference.text},
            )
        return ResolvedTable(
            reference, version["artifact"], version["number"], version["digest"], formats.pop() or "", files
        )

    async def _files(self, digest: str, reference: TableReference) -> list[FileEntry]:
        path = reference.path
        if not _GLOB.search(path):
            entry = await self.manifests.get_file(digest, path)
            if entry is None:
                raise self._no_files(reference)
            return [entry]
        literal = path[: _GLOB.search(path).start()]  # type: ignore[union-attr]
        pattern = glob_pattern(path)
        matched: list[FileEntry] = []
        async for entry_path, line in self._entries(digest, literal):
            if pattern.fullmatch(entry_path):
                matched.append(FileEntry.from_canonical(line))
                if len(matched) > MAX_FILES_PER_REFERENCE:
                    raise Invalid(
                        f"reference {reference.text!r} matches more than {MAX_FILES_PER_REFERENCE} files",
                        field=["body", "sql"],
                        code="too_many_files",
                    )
        if not matched:
            raise self._no_files(reference)
        return matched

    async def _entries(self, digest: str, prefix: str) -> AsyncIterator[tuple[str, bytes]]:
        after: str | None = None
        while True:
            page = await self.manifests.list_files(digest, prefix=prefix, after=after, limit=1000)
            for item in zip(page.paths, page.lines, strict=True):
                yield item
            if page.next is None:
                return
            after = page.next

    @staticmethod
    def _no_files(reference: TableReference) -> Invalid:
        return Invalid(
            f"reference {reference.text!r}: no file {reference.path!r} in that version",
            field=["body", "sql"],
            code="file_not_found",
            extra={"reference": reference.text},
        )
