"""A large file's chunk groups are received into reused buffers, whatever framing the answer has.

The peer is a real HTTP server on loopback answering ``POST /chunks/read`` with a batch, either
with a ``Content-Length`` (as storage-gateway does: read straight into the buffer) or chunked (as
a proxy may: decoded, then copied into it).
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kamld.bulk import ChunkChannel
from kamld.errors import IntegrityError
from kamld_content.framing import FramingError, encode_frame
from kamld_content.hashing import digest_bytes
from kamld_testing.loopback import serving

CHUNKS = [bytes([n]) * (100_000 + n) for n in range(3)]
DIGESTS = [digest_bytes(chunk) for chunk in CHUNKS]
BATCH = b"".join(encode_frame(digest, chunk) for digest, chunk in zip(DIGESTS, CHUNKS, strict=True))


class BatchServer:
    def __init__(self, *, chunked: bool) -> None:
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                self.rfile.read(int(self.headers["Content-Length"]))
                owner.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.kamld.chunks")
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(BATCH), 70_001):
                        piece = BATCH[start : start + 70_001]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(BATCH)))
                    self.end_headers()
                    self.wfile.write(BATCH)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture(params=[False, True], ids=["sized", "chunked"])
def server(request) -> Iterator[BatchServer]:
    peer = BatchServer(chunked=request.param)
    with serving(peer.server):
        yield peer


def test_chunks_are_received_into_the_buffer_group_after_group(server: BatchServer) -> None:
    buffer = bytearray(sum(map(len, CHUNKS)) + 10)
    with ChunkChannel(server.url, {}) as channel:
        for _ in range(3):
            received = channel.fetch_into(DIGESTS, buffer)
            assert {digest: bytes(view) for digest, view in received.items()} == dict(
                zip(DIGESTS, CHUNKS, strict=True)
            )
            assert all(view.obj is buffer for view in received.values())
    assert server.requests == 3


def test_a_buffer_too_small_for_the_answer_is_refused(server: BatchServer) -> None:
    with ChunkChannel(server.url, {}) as channel, pytest.raises(FramingError, match="bytes expected"):
        channel.fetch_into(DIGESTS, bytearray(len(CHUNKS[0]) + 5))


def test_a_chunk_the_server_left_out_is_reported(server: BatchServer) -> None:
    wanted = [*DIGESTS, digest_bytes(b"never sent")]
    with ChunkChannel(server.url, {}) as channel, pytest.raises(IntegrityError) as missing:
        channel.fetch_into(wanted, bytearray(1 << 20))
    assert missing.value.code == "missing_chunk"


def test_a_pulls_group_buffers_are_reused_and_grown_only_for_a_larger_group() -> None:
    from kamld.transfer import DOWNLOAD_BATCH_BYTES, _GroupBudget

    budget = _GroupBudget(2)
    assert budget.take(wait=False)
    first = budget.buffer(1000)
    assert len(first) == DOWNLOAD_BATCH_BYTES
    budget.give(first)
    assert budget.take(wait=False) and budget.buffer(DOWNLOAD_BATCH_BYTES) is first
    budget.give(first)
    assert budget.take(wait=False)
    larger = budget.buffer(DOWNLOAD_BATCH_BYTES + 1)
    assert larger is not first and len(larger) == DOWNLOAD_BATCH_BYTES + 1
