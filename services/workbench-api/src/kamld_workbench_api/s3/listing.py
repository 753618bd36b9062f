"""The keys of a bucket (an artifact): ``REF/PATH`` for every reference and file, listed as S3 does.

References are the versions (``v1`` ... ``vN``) and the aliases (``latest``, ``production`` ...).
Keys are listed in byte order from after a start key, grouped by the delimiter when one is given.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from kamld_workbench_api.catalog.service import Catalog

PAGE = 1000
HIGHEST = "\U0010ffff"


@dataclass
class Listing:
    keys: list[dict[str, Any]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last: str | None = None


async def references(catalog: Catalog, bucket: str) -> list[str]:
    artifact = json.loads(await catalog.artifact_body(bucket))
    refs = {f"v{number}" for number in range(1, artifact["version_count"] + 1)}
    if artifact["version_count"]:
        refs.add("latest")
    refs.update(alias["alias"] for alias in await catalog.aliases(bucket))
    return sorted(refs)


async def _files(
    catalog: Catalog, bucket: str, ref: str, prefix: str, after: str | None
) -> AsyncIterator[dict[str, Any]]:
    while True:
        body = await catalog.list_files_body(bucket, ref, prefix=prefix or None, after=after, limit=PAGE)
        page = json.loads(body)
        for item in page["items"]:
            yield item
        if not page["next"]:
            return
        after = page["next"]


async def list_keys(
    catalog: Catalog, bucket: str, *, prefix: str, delimiter: str, start_after: str, max_keys: int
) -> Listing:
    """Up to ``max_keys`` keys and common prefixes after ``start_after`` that start with ``prefix``."""
    out = Listing()
    ref_part, slash, _ = prefix.partition("/")
    refs = (
        [ref_part] if slash else [ref for ref in await references(catalog, bucket) if ref.startswith(prefix)]
    )
    versions: dict[str, Any] = {}
    for ref in refs:
        if (ref + "/" + HIGHEST) <= start_after:
            continue
        if not slash and delimiter == "/":
            if ref + "/" > start_after:
                if not _add(out, prefix=ref + "/", max_keys=max_keys):
                    return out
            continue
        if ref not in versions:
            versions[ref] = await catalog.get_version(bucket, ref)
        path_prefix = prefix[len(ref) + 1 :] if slash else ""
        after = start_after[len(ref) + 1 :] if start_after.startswith(ref + "/") else None
        async for item in _files(catalog, bucket, ref, path_prefix, after):
            key = f"{ref}/{item['path']}"
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = key[: cut + len(delimiter)]
                    if common <= start_after or (out.prefixes and out.prefixes[-1] == common):
                        continue
                    if not _add(out, prefix=common, max_keys=max_keys):
                        return out
                    continue
            entry = {
                "key": key,
                "size": item["size"],
                "digest": item["digest"],
                "modified": versions[ref]["created_at"],
            }
            if not _add(out, key=entry, max_keys=max_keys):
                return out
    return out


def _add(
    out: Listing, *, max_keys: int, prefix: str | None = None, key: dict[str, Any] | None = None
) -> bool:
    """Add one entry; False (and ``truncated``) when the page is already full."""
    if len(out.keys) + len(out.prefixes) >= max_keys:
        out.truncated = True
        return False
    if prefix is not None:
        out.prefixes.append(prefix)
        out.last = prefix
    elif key is not None:
        out.keys.append(key)
        out.last = key["key"]
    return True
