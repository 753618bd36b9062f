"""Reading a server-sent event stream: frames in, decoded ``data`` of each event out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def sse_frames(lines: Iterable[str]) -> Iterator[tuple[str | None, str]]:
    """``(id, data)`` of each complete frame; comments (heartbeats) and unknown fields are skipped."""
    event_id: str | None = None
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield event_id, "\n".join(data)
            event_id, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "id":
            event_id = value
        elif field == "data":
            data.append(value)
