"""The SDK refuses, before sending, references and paths the HTTP client would resolve or could not
send: the server would otherwise see another URL than the user named (``ds1:..`` -> the artifact)."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kamld import Client
from kamld.errors import InvalidInput
from kamld.files import open_file
from kamld_testing.loopback import serving


class Recorder:
    """A loopback server that records each request's path and answers 404."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                owner.paths.append(self.path)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def recorder() -> Iterator[tuple[Recorder, str]]:
    recording = Recorder()
    with serving(recording.server) as url:
        yield recording, url


@pytest.mark.parametrize("reference", ["ds1:..", "ds1:.", "ds1:\udcff"])
def test_a_version_reference_the_client_would_rewrite_is_refused_unsent(recorder, reference: str) -> None:
    server, url = recorder
    with Client(url=url, token="t") as client:
        for call in (client.show, client.ls):
            with pytest.raises(InvalidInput) as caught:
                call(reference)
            assert caught.value.code == "invalid_path"
    assert server.paths == []


@pytest.mark.parametrize("reference", ["ds1:v1/a/../b", "ds1:v1/./a", "ds1:v1/a\udcffb"])
def test_a_file_path_the_client_would_rewrite_is_refused_unsent(recorder, reference: str) -> None:
    server, url = recorder
    with Client(url=url, token="t") as client, pytest.raises(InvalidInput) as caught:
        open_file(client, reference)
    assert caught.value.code == "invalid_path"
    assert server.paths == []
