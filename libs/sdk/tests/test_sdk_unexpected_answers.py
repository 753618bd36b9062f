"""A successful answer the client cannot read (a proxy's page, a broken server) is a one-line error.

The peer is a real HTTP server on loopback that answers every request with a fixed body, the way
a captive portal, a misrouted proxy or another service at ``KAMLD_URL`` would.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from kamld import Client
from kamld.errors import KamldClientError, UnexpectedAnswer
from kamld.transfer.answers import _problem_code
from kamld_testing.loopback import serving
from kamld_testing.platform import clean_environment, kamld_command

VERSION = {
    "artifact": "corpus",
    "kind": "dataset",
    "number": 1,
    "name": "v1",
    "ref": "corpus:v1",
    "digest": "blake3:" + "0" * 64,
    "author": "ana",
    "created_at": "2026-01-01T00:00:00Z",
    "file_count": 1,
    "total_bytes": 3,
}


class FixedAnswer:
    """A loopback HTTP server whose every answer is 200 with ``body`` of ``content_type``."""

    def __init__(self) -> None:
        self.body, self.content_type = b"", "text/plain"
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                self.send_response(200)
                self.send_header("Content-Type", owner.content_type)
                self.send_header("Content-Length", str(len(owner.body)))
                self.end_headers()
                self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, body: object, content_type: str = "application/json") -> None:
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.content_type = content_type


@pytest.fixture(scope="module")
def peer() -> Iterator[FixedAnswer]:
    fixed = FixedAnswer()
    with serving(fixed.server):
        yield fixed


def test_an_html_page_is_an_unexpected_answer_naming_the_request(peer: FixedAnswer) -> None:
    peer.answer(b"<html><body>Sign in to the Wi-Fi</body></html>", "text/html; charset=utf-8")
    with Client(url=peer.url, token="t") as client, pytest.raises(UnexpectedAnswer) as caught:
        client.show("corpus:v1")
    message = str(caught.value)
    assert "GET /api/v1/artifacts/corpus/versions/v1 answered 200" in message
    assert "text/html" in message and "not JSON" in message
    assert caught.value.code == "unexpected_answer"
    assert isinstance(caught.value, KamldClientError)


def test_json_of_the_wrong_shape_names_the_field(peer: FixedAnswer) -> None:
    peer.answer({**VERSION, "file_count": "two"})
    with Client(url=peer.url, token="t") as client, pytest.raises(UnexpectedAnswer, match=r"\$\.file_count"):
        client.show("corpus:v1")


def test_a_list_where_an_object_belongs_is_an_unexpected_answer(peer: FixedAnswer) -> None:
    peer.answer([VERSION])
    with Client(url=peer.url, token="t") as client, pytest.raises(UnexpectedAnswer, match="Version"):
        client.show("corpus:v1")


def test_a_fitting_answer_still_decodes(peer: FixedAnswer) -> None:
    peer.answer(VERSION)
    with Client(url=peer.url, token="t") as client:
        assert client.show("corpus:v1").file_count == 1


def test_a_diff_page_without_its_versions_names_the_missing_field(peer: FixedAnswer) -> None:
    peer.answer({"changes": []})
    with Client(url=peer.url, token="t") as client, pytest.raises(UnexpectedAnswer, match="from"):
        client.diff("corpus:v1", "corpus:v2")


def test_the_cli_prints_one_line_and_exits_1(peer: FixedAnswer, tmp_path: Path) -> None:
    peer.answer(b"<html>502 Bad Gateway</html>", "text/html")
    env = {**clean_environment(), "KAMLD_URL": peer.url, "KAMLD_TOKEN": "t", "KAMLD_HOME": str(tmp_path)}
    done = subprocess.run(
        kamld_command("show", "corpus:v1"), env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: GET /api/v1/artifacts/corpus/versions/"), (
        done.stderr
    )


def test_a_failed_commit_that_is_not_json_has_no_problem_code() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:1/uploads/u1/commit")
    page = httpx.Response(422, content=b"<html>Unprocessable</html>", request=request)
    assert _problem_code(page) is None
    problem = httpx.Response(422, json={"code": "missing_chunks", "missing": []}, request=request)
    assert _problem_code(problem) == "missing_chunks"
