"""Reading a commit's NDJSON file list: lines from a byte stream, each parsed into a FileEntry."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import orjson

from kamld_common.errors import Invalid, PayloadTooLarge
from kamld_content.chunking import ChunkRef
from kamld_content.manifest import FileEntry
from kamld_content.paths import InvalidPath

FIELD = "files"


async def iter_lines(stream: AsyncIterable[bytes], max_line_bytes: int) -> AsyncIterator[tuple[int, bytes]]:
    """``(line number, line)`` for each non-empty line, never buffering more than one line."""
    pending = bytearray()
    number = 0
    async for block in stream:
        pending.extend(block)
        start = 0
        while (end := pending.find(b"\n", start)) != -1:
            number += 1
            line = bytes(pending[start:end]).strip()
            start = end + 1
            if line:
                yield number, line
        del pending[:start]
        if len(pending) > max_line_bytes:
            raise PayloadTooLarge(
                f"line {number + 1} of the file list is longer than {max_line_bytes} bytes",
                code="line_too_long",
                extra={
                    "errors": [{"loc": [FIELD, number + 1], "msg": "line too long", "type": "line_too_long"}]
                },
            )
    line = bytes(pending).strip()
    if line:
        yield number + 1, line


def parse_entry(number: int, line: bytes) -> FileEntry:
    """One file-list line as a FileEntry; :class:`Invalid` names the line and the field at fault."""
    try:
        # orjson: a commit parses one line per file, and json.loads cost five times as much.
        body = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise Invalid(
            f"line {number} of the file list is not JSON", field=[FIELD, number], code="invalid_json"
        ) from None
    if not isinstance(body, dict):
        raise Invalid(f"line {number} of the file list is not an object", field=[FIELD, number])
    path = body.get("path")
    if not isinstance(path, str):
        raise Invalid(
            f"line {number}: 'path' must be a string", field=[FIELD, number, "path"], code="invalid_path"
        )
    chunks_field = body.get("chunks", [])
    chunks: list[ChunkRef] = []
    offset = 0
    if not isinstance(chunks_field, list):
        raise Invalid(f"{path}: 'chunks' must be a list of [digest, size]", field=[FIELD, number, "chunks"])
    for index, pair in enumerate(chunks_field):
        if not (
            isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and type(pair[1]) is int
        ):
            raise Invalid(
                f"{path}: chunk {index} must be [digest, size]", field=[FIELD, number, "chunks", index]
            )
        chunks.append(ChunkRef(pair[0], offset, pair[1]))
        offset += pair[1]
    try:
        # Size, mode and digest as the client sent them: FileEntry checks their types and values.
        size: Any = body.get("size")
        digest: Any = body.get("digest")
        return FileEntry(path=path, size=size, mode=body.get("mode", 0o644), digest=digest, chunks=chunks)
    except InvalidPath as exc:
        # FileEntry checks the path is in normal form (and breaks no rule) once, for both callers.
        raise Invalid(
            f"line {number}: {exc}", field=[FIELD, number, "path"], code="invalid_path", extra={"path": path}
        ) from None
    except (ValueError, TypeError) as exc:
        raise Invalid(
            f"line {number} ({path}): {exc}",
            field=[FIELD, number],
            code="invalid_entry",
            extra={"path": path},
        ) from None
