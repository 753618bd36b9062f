"""File-level splits of a version: its files staged as ``PART/PATH`` files of an upload session.

The source version (``NAME[:REF]``) is resolved by metadata-hub, its committed manifest is read
page by page, and its files (less the ``exclude`` paths, which a caller splits by rows or leaves
out) are partitioned by :func:`kamld_content.split.partition`, the function the SDK used when it
split on the client, so one seed keeps giving the same parts and digests. Only the source
manifest and the split are recorded in the session: garbage collection keeps the source's chunks
while the session is open, and the commit derives the entries again from the verified manifest
and merges them without parsing or checking them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from kamld_common import patterns
from kamld_common.errors import Invalid, NotFound
from kamld_common.http import ServiceClient
from kamld_content.split import InvalidFractions, check_fractions
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.uploads.service import UploadService, split_manifest

_SOURCE = re.compile(patterns.NAME_REF)
MAX_EXCLUDE = 10_000


@dataclass(frozen=True)
class FileSplit:
    version: str
    digest: str
    counts: dict[str, int]
    excluded: int


class FileSplitter:
    def __init__(
        self, metadata_hub: ServiceClient, manifests: ManifestService, uploads: UploadService
    ) -> None:
        self.metadata_hub = metadata_hub
        self.manifests = manifests
        self.uploads = uploads

    async def split(
        self, upload_id: str, source: str, *, test: float, val: float, seed: int, exclude: Sequence[str]
    ) -> FileSplit:
        await self.uploads.check_open(upload_id)
        try:
            check_fractions(test, val)
        except InvalidFractions as exc:
            raise Invalid(str(exc), field=["body", exc.field], code="invalid_split") from None
        artifact, number, digest = await self._resolve(source)
        parts, absent = await split_manifest(
            self.manifests, digest, test=test, val=val, seed=seed, exclude=exclude
        )
        if absent:
            raise Invalid(
                f"exclude: {len(absent)} path(s) are not files of {artifact}:v{number}, "
                f"such as {absent[0]!r}",
                field=["body", "exclude"],
                code="file_not_found",
                extra={"paths": absent[:100]},
            )
        await self.uploads.stage_split(upload_id, digest, test=test, val=val, seed=seed, exclude=exclude)
        counts = {part: len(chosen) for part, chosen in parts.items()}
        return FileSplit(f"{artifact}:v{number}", digest, counts, len(set(exclude)))

    async def _resolve(self, source: str) -> tuple[str, int, str]:
        if not _SOURCE.fullmatch(source):
            raise Invalid(
                f"source {source[:200]!r} is not a version reference: write NAME[:REF]",
                field=["body", "source"],
                code="invalid_reference",
            )
        name, _, ref = source.partition(":")
        url = f"/artifacts/{quote(name, safe='')}/versions/{quote(ref or 'latest', safe='')}"
        try:
            version = (await self.metadata_hub.get(url)).json()
        except NotFound as exc:
            raise NotFound(
                f"source {source!r} does not resolve: {exc.detail}",
                code="source_not_found",
                extra={"source": source},
            ) from None
        except Invalid as exc:
            raise Invalid(
                f"source {source!r} does not resolve: {exc.detail}",
                field=["body", "source"],
                code=exc.code,
            ) from None
        return str(version["artifact"]), int(version["number"]), str(version["digest"])
