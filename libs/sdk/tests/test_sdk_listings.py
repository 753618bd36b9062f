"""``Client`` listings page lazily: a page is fetched when iteration reaches it, not before.

Against a loopback server that answers the public API's paged listings (``items`` and ``next``)
and records every request, so the test sees exactly which pages were asked for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from kamld.client import Client
from kamld.errors import NotFound
from kamld_testing.loopback import serving

FILES = [f"img/{n:02}.png" for n in range(5)]
PAGE = 2
VERSION = {
    "artifact": "pets",
    "kind": "dataset",
    "author": "alice",
    "created_at": "2026-01-01T00:00:00Z",
    "file_count": 1,
    "total_bytes": 1,
    "digest": "d",
}


def paged(items: list[dict], query: dict[str, list[str]]) -> dict:
    start = int(query.get("after", ["0"])[0])
    size = int(query.get("limit", [str(PAGE)])[0])
    end = start + size
    return {"items": items[start:end], "next": str(end) if end < len(items) else None}


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            with lock:
                requests.append(self.path)
            if url.path == "/api/v1/artifacts/pets/versions/v1/files":
                entries = [{"path": p, "size": 1, "digest": f"d{p}"} for p in FILES]
                self.reply(200, paged(entries, query))
            elif url.path == "/api/v1/artifacts/pets/versions":
                versions = [{**VERSION, "number": n, "name": f"v{n}", "ref": f"pets:v{n}"} for n in (3, 2, 1)]
                self.reply(200, paged(versions, query))
            else:
                self.reply(404, {"code": "artifact_not_found", "detail": "no artifact 'nope'"})

        def reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield url, requests


@pytest.fixture
def client(api) -> Iterator[tuple[Client, list[str]]]:
    url, requests = api
    requests.clear()
    with Client(url, token="t") as client:
        yield client, requests


def test_files_are_fetched_a_page_at_a_time_as_iteration_reaches_them(client):
    client, requests = client
    files = client.ls("pets:v1")
    assert len(requests) == 1  # the first page, so that an unknown name fails at the call
    assert [next(files).path, next(files).path] == FILES[:2]
    assert len(requests) == 1
    assert next(files).path == FILES[2]
    assert len(requests) == 2
    assert [f.path for f in files] == FILES[3:]
    assert len(requests) == 3


def test_a_log_with_a_limit_asks_for_no_more_than_it_returns(client):
    client, requests = client
    assert [v.name for v in client.log("pets", limit=2)] == ["v3", "v2"]
    assert len(requests) == 1
    assert "limit=2" in requests[0]
    assert [v.name for v in client.log("pets")] == ["v3", "v2", "v1"]


def test_an_unknown_name_fails_at_the_call_not_at_the_first_item(client):
    client, _ = client
    with pytest.raises(NotFound, match="nope"):
        client.ls("nope:v1")
