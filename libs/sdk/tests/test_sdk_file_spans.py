"""A large chunk read back from its file goes to the socket as a span of the file.

Real sockets (a connected pair on this machine): ``sendfile`` where the socket has it, and a
plain ``sendall`` of the bytes where it does not (urllib3's TLS-in-TLS transport has none).
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kamld.bulk import FileSpan, _send_span
from kamld_content.chunking import ContentChanged


class WithoutSendfile:
    """A real socket seen through an object that offers only ``sendall``."""

    def __init__(self, sock: socket.socket) -> None:
        self.sendall = sock.sendall


def received(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += sock.recv(size - len(data))
    return data


@pytest.mark.parametrize("plain", [False, True], ids=["sendfile", "sendall"])
def test_a_span_sends_exactly_its_bytes_of_the_file(tmp_path: Path, plain: bool) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 4096)
    span = FileSpan(str(path), 1000, 300_001)
    sender, receiver = socket.socketpair()
    with sender, receiver, ThreadPoolExecutor(1) as reader:
        arriving = reader.submit(received, receiver, span.size)
        _send_span(WithoutSendfile(sender) if plain else sender, span)
        assert arriving.result(timeout=30) == path.read_bytes()[1000:301_001]


@pytest.mark.parametrize("plain", [False, True], ids=["sendfile", "sendall"])
def test_a_span_past_the_end_of_a_file_that_shrank_is_content_changed(tmp_path: Path, plain: bool) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 5000)
    sender, receiver = socket.socketpair()
    with sender, receiver, pytest.raises(ContentChanged, match="shorter"):
        _send_span(WithoutSendfile(sender) if plain else sender, FileSpan(str(path), 1000, 10_000))
