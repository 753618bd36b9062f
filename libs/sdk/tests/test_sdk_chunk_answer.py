"""A batched read's answer is taken a chunk at a time into the caller's memory, whatever its framing.

The peer is a real HTTP server on loopback answering ``POST /chunks/read`` with a batch, either
with a ``Content-Length`` (as storage-gateway does: received straight into the caller's buffer)
or chunked (as a proxy may: decoded, then copied out), or cut off partway.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kamld.bulk import ChunkAnswer, ChunkChannel
from kamld.errors import ConnectionFailed, IntegrityError
from kamld_content.framing import FramingError, encode_frame
from kamld_content.hashing import digest_bytes
from kamld_testing.loopback import serving

CHUNKS = [bytes([n]) * (100_000 + n) for n in range(3)]
DIGESTS = [digest_bytes(chunk) for chunk in CHUNKS]
BATCH = b"".join(encode_frame(digest, chunk) for digest, chunk in zip(DIGESTS, CHUNKS, strict=True))


class BatchServer:
    def __init__(self, framing: str) -> None:
        self.requests = 0
        self.connections: set[int] = set()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                self.rfile.read(int(self.headers["Content-Length"]))
                owner.requests += 1
                owner.connections.add(self.client_address[1])
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.kamld.chunks")
                if framing == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(BATCH), 70_001):
                        piece = BATCH[start : start + 70_001]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                elif framing == "malformed":
                    body = b"\x00" + BATCH  # a frame header naming an empty digest
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_header("Content-Length", str(len(BATCH)))
                    self.end_headers()
                    if framing == "cut":
                        self.wfile.write(BATCH[: len(BATCH) // 2])
                        self.close_connection = True
                    elif framing == "cut-between-frames":
                        self.wfile.write(encode_frame(DIGESTS[0], CHUNKS[0]))
                        self.close_connection = True
                    else:
                        self.wfile.write(BATCH)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def serve(framing: str) -> Iterator[BatchServer]:
    peer = BatchServer(framing)
    with serving(peer.server):
        yield peer


@pytest.fixture(params=["sized", "chunked"])
def server(request) -> Iterator[BatchServer]:
    yield from serve(request.param)


@pytest.fixture
def cut_server() -> Iterator[BatchServer]:
    yield from serve("cut")


def take_all(answer: ChunkAnswer, piece: int = 1 << 20) -> dict[str, bytes]:
    """Every chunk of ``answer``, each read into a buffer of the caller's, ``piece`` bytes at most a call."""
    taken = {}
    while (frame := answer.next_frame()) is not None:
        digest, size = frame
        buffer = bytearray(size)
        view, got = memoryview(buffer), 0
        while got < size:
            got += answer.readinto(view[got : got + piece])
        taken[digest] = bytes(buffer)
    return taken


def test_answers_read_to_the_end_give_their_connection_back(server: BatchServer) -> None:
    with ChunkChannel(server.url, {}) as channel:
        for piece in (1 << 20, 4096, 999):
            with channel.open_read(DIGESTS) as answer:
                assert take_all(answer, piece) == dict(zip(DIGESTS, CHUNKS, strict=True))
    assert server.requests == 3
    assert len(server.connections) == 1


def test_a_chunk_is_never_read_past_its_end(server: BatchServer) -> None:
    with ChunkChannel(server.url, {}) as channel, channel.open_read(DIGESTS) as answer:
        digest, size = answer.next_frame()
        room = memoryview(bytearray(size + 500))
        got = 0
        while got < size:
            got += answer.readinto(room[got:])
        assert got == size and answer.readinto(room) == 0
        assert answer.next_frame() == (DIGESTS[1], len(CHUNKS[1]))
        with pytest.raises(FramingError, match="were not read"):
            answer.next_frame()


def test_an_answer_left_unread_drops_its_connection_and_the_next_one_is_clean(server: BatchServer) -> None:
    with ChunkChannel(server.url, {}) as channel:
        with channel.open_read(DIGESTS) as answer:
            assert answer.next_frame() == (DIGESTS[0], len(CHUNKS[0]))
        with channel.open_read(DIGESTS) as answer:
            assert take_all(answer) == dict(zip(DIGESTS, CHUNKS, strict=True))
    assert len(server.connections) == 2


def test_an_answer_cut_off_midway_is_a_lost_connection(cut_server: BatchServer) -> None:
    with ChunkChannel(cut_server.url, {}) as channel, channel.open_read(DIGESTS) as answer:
        with pytest.raises(ConnectionFailed) as lost:
            take_all(answer)
    assert lost.value.code == "connection_failed"
    assert "while receiving chunks" in str(lost.value)


def test_an_answer_cut_between_two_frames_is_a_lost_connection_not_its_end() -> None:
    """storage-gateway stops before a chunk that fails its check; so may a connection lost at a
    frame boundary. Either way the body is shorter than announced, and that is not the end."""
    for peer in serve("cut-between-frames"):
        with ChunkChannel(peer.url, {}) as channel, channel.open_read(DIGESTS) as answer:
            with pytest.raises(ConnectionFailed) as lost:
                take_all(answer)
        assert "short of its announced length" in str(lost.value)


def test_a_malformed_answer_is_an_integrity_error_not_a_lost_connection() -> None:
    for peer in serve("malformed"):
        with ChunkChannel(peer.url, {}) as channel, channel.open_read(DIGESTS) as answer:
            with pytest.raises(IntegrityError) as malformed:
                answer.next_frame()
        assert malformed.value.code == "invalid_framing"
        assert "empty digest" in str(malformed.value)
