"""Zero-copy split and compose: new versions whose manifests name chunks the store already holds.

A split is done by storage-gateway: ``split-files`` stages the source version's files as
``PART/PATH`` files of an upload session (and ``split-table`` the parts of tables split by rows),
and the client commits the session with an empty body. A composition lists the source versions'
manifests, chooses entries, and commits them: storage-gateway checks every chunk is stored and
records the manifest. No file byte crosses the network. A split is deterministic: the files are
ordered by path and shuffled by ``random.Random(seed)`` (:func:`kamld_content.split.partition`),
so one seed always gives the same versions and digests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kamld.errors import InvalidInput
from kamld_content.split import InvalidFractions, check_fractions, partition

if TYPE_CHECKING:
    from kamld.client import Client
    from kamld.models import Version

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


def check_split(test: float, val: float) -> None:
    """Refuse fractions that leave a part empty before anything is asked of the server."""
    try:
        check_fractions(test, val)
    except InvalidFractions:
        raise InvalidInput(
            "--test and --val are fractions with test > 0 and test + val < 1", code="invalid_split"
        ) from None


def only_file(client: Client, version: Version) -> str | None:
    """The path of the first file of ``version`` (one entry listed, not the whole manifest)."""
    from kamld.client import API

    page = client.call("GET", f"{API}/manifests/{version.digest}/files", params={"limit": 1})
    items = page["items"]
    return str(items[0]["path"]) if items else None


def has_file(client: Client, version: Version, path: str) -> bool:
    from kamld.client import API

    page = client.call("GET", f"{API}/manifests/{version.digest}/files", params={"prefix": path, "limit": 1})
    return any(item["path"] == path for item in page["items"])


def split_files(
    client: Client, session: str, source: str, *, test: float, val: float, seed: int, exclude: Sequence[str]
) -> dict[str, int]:
    """Have storage-gateway stage the files of ``source`` (``NAME:vN``, less ``exclude``) as
    ``PART/PATH`` files of the upload ``session``; the files each part got."""
    from kamld.client import API

    body = {"source": source, "test": test, "val": val, "seed": seed, "exclude": list(exclude)}
    answer = client.call("POST", f"{API}/uploads/{session}/split-files", json=body)
    counts: dict[str, int] = answer["counts"]
    return counts


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
