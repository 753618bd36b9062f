"""Zero-copy split and compose: new versions whose manifests name chunks the store already holds.

A split or a composition lists the source versions' manifests (paths with their chunk lists),
chooses entries, and commits them as a new manifest: storage-gateway checks every chunk is
stored and records the manifest, and no file byte crosses the network. A split is deterministic:
the files are ordered by path and shuffled by ``random.Random(seed)``, so one seed always gives
the same versions and digests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kamld.errors import InvalidInput
from kamld_content.split import InvalidFractions, partition

if TYPE_CHECKING:
    from kamld.client import Client

PAGE = 10_000
SPLIT_ROLE = "split_of"
COMPOSE_ROLE = "composed_from"
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson", ".json")


@dataclass(frozen=True)
class Entry:
    """A file of a manifest: its path and its canonical fields (size, mode, digest, chunks)."""

    path: str
    fields: dict[str, Any]

    def moved(self, path: str) -> Entry:
        return Entry(path, self.fields)

    def line(self) -> str:
        return json.dumps({**self.fields, "path": self.path}, separators=(",", ":"), ensure_ascii=False)


def manifest_entries(client: Client, digest: str) -> Iterator[Entry]:
    from kamld.client import API

    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": PAGE, **({"after": after} if after else {})}
        page = client.call("GET", f"{API}/manifests/{digest}/files", params=params)
        for item in page["items"]:
            fields = {key: item[key] for key in ("size", "mode", "digest", "chunks")}
            yield Entry(item["path"], fields)
        if not (after := page.get("next")):
            return


def split_entries(entries: Sequence[Entry], *, test: float, val: float, seed: int) -> dict[str, list[Entry]]:
    """``train``, ``test`` (and ``val`` when asked) parts: fractions of the files, by seeded shuffle
    (:func:`kamld_content.split.partition`, the one storage-gateway's ``split-files`` runs)."""
    try:
        return partition(entries, path=lambda entry: entry.path, test=test, val=val, seed=seed)
    except InvalidFractions:
        raise InvalidInput(
            "--test and --val are fractions with test > 0 and test + val < 1", code="invalid_split"
        ) from None


def glob_pattern(glob: str) -> re.Pattern[str]:
    """``*``/``?`` within a path segment, ``**`` across segments."""
    out, index = [], 0
    while index < len(glob):
        if glob.startswith("**/", index):
            out.append("(?:[^/]+/)*")
            index += 3
        elif glob.startswith("**", index):
            out.append(".*")
            index += 2
        else:
            out.append({"*": "[^/]*", "?": "[^/]"}.get(glob[index], re.escape(glob[index])))
            index += 1
    return re.compile("".join(out))


def open_session(client: Client) -> str:
    from kamld.client import API

    session_id: str = client.call("POST", f"{API}/uploads")["id"]
    return session_id


def split_table(
    client: Client, session: str, table: str, *, test: float, val: float, seed: int, stratify: str | None
) -> dict[str, Any]:
    """Have storage-gateway write the rows of ``table`` (``NAME:vN/PATH``) as ``PART/PATH`` files of
    the upload ``session``; the answer names each part's path, rows, size and digest."""
    from kamld.client import API

    body: dict[str, Any] = {"table": table, "test": test, "val": val, "seed": seed}
    if stratify is not None:
        body["stratify"] = stratify
    answer: dict[str, Any] = client.call("POST", f"{API}/uploads/{session}/split-table", json=body)
    return answer


def is_table(path: str) -> bool:
    return path.lower().endswith(TABLE_SUFFIXES)


def commit(client: Client, entries: Sequence[Entry], session: str | None = None) -> str:
    """The digest of a manifest of ``entries`` (sorted by path) and of the files already in the
    upload ``session`` (a new one when None), committed without uploading any file byte."""
    from kamld.client import API

    session_id = session or open_session(client)
    ordered = sorted(entries, key=lambda entry: entry.path.encode())
    body = "".join(entry.line() + "\n" for entry in ordered).encode()
    answer = client.call(
        "POST",
        f"{API}/uploads/{session_id}/commit",
        content=body,
        headers={"Content-Type": "application/x-ndjson"},
    )
    digest: str = answer["digest"]
    return digest
