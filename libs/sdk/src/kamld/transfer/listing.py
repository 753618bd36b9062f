"""Reading a manifest's file list from storage-gateway, a page at a time."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from kamld.transfer.answers import _answer
from kamld.transfer.limits import DEFAULT_LIMITS, TransferLimits
from kamld_content.chunking import ChunkRef
from kamld_content.manifest import FileEntry


def iter_manifest(
    client: httpx.Client,
    base_path: str,
    digest: str,
    prefix: str = "",
    *,
    read_ahead: bool = False,
    limits: TransferLimits = DEFAULT_LIMITS,
) -> Iterator[FileEntry]:
    """Every file of manifest ``digest`` (optionally under ``prefix``), fetched one page at a time.

    With ``read_ahead``, the next page is requested on a thread of its own while the caller works
    through the current one: a pull writes the files of one page while the next is on its way.
    """
    pages = _manifest_pages(client, base_path, digest, prefix, limits.list_page)
    for items in _one_ahead(pages) if read_ahead else pages:
        for item in items:
            offset = 0
            chunks = []
            for chunk_digest, size in item["chunks"]:
                chunks.append(ChunkRef(chunk_digest, offset, size))
                offset += size
            yield FileEntry(item["path"], item["size"], item["mode"], item["digest"], chunks)


def _manifest_pages(
    client: httpx.Client, base_path: str, digest: str, prefix: str, page: int
) -> Iterator[list[dict[str, Any]]]:
    after: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": page, "prefix": prefix}
        if after is not None:
            params["after"] = after
        body = _answer(client.get(f"{base_path}/manifests/{digest}/files", params=params))
        yield body["items"]
        after = body.get("next")
        if not after:
            return


def _one_ahead(items: Iterator[Any]) -> Iterator[Any]:
    """``items``, each produced on a helper thread while the caller works on the one before."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kamld-read-ahead") as helper:
        upcoming = helper.submit(next, items, _END)
        try:
            while (item := upcoming.result()) is not _END:
                upcoming = helper.submit(next, items, _END)
                yield item
        finally:
            upcoming.cancel()


_END = object()
