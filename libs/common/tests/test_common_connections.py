"""The guarded HTTP protocol's body timeout counts only the client's silence: not the time the
server stops reading on its own, nor the wait for ``100 Continue``, nor a slow but steady client."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from kamld_common.connections import ConnectionLimits, GuardedHttpToolsProtocol

IDLE_S = 1.0
MAX_HEADER_BYTES = 4096
APP_WAIT_S = 2.5 * IDLE_S
"""How long the application waits before it reads a body: longer than the idle timeout, and half
a period off the connection's checks (every ``IDLE_S`` from the headers on)."""


async def echo_length_after_a_wait(scope: Scope, receive: Receive, send: Send) -> None:
    """Waits, then reads the whole body and answers its length."""
    if scope["type"] != "http":
        return
    await asyncio.sleep(APP_WAIT_S)
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def port() -> Iterator[int]:
    config = uvicorn.Config(
        echo_length_after_a_wait,
        host="127.0.0.1",
        port=0,
        log_config=None,
        lifespan="off",
        http=GuardedHttpToolsProtocol,
    )
    config.connection_limits = ConnectionLimits(
        max_header_bytes=MAX_HEADER_BYTES, header_timeout_s=10, body_idle_timeout_s=IDLE_S
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.01)
    yield server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)


def answer(sock: socket.socket) -> bytes:
    data = b""
    while piece := sock.recv(65536):
        data += piece
        if b"\r\n\r\n" in data and data.split(b"\r\n\r\n", 1)[1]:
            break
    return data


def head(length: int, *extra: str) -> bytes:
    lines = ["POST / HTTP/1.1", "Host: test", f"Content-Length: {length}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_body_the_server_stops_reading_is_not_timed_out(port: int) -> None:
    body = b"x" * (4 * 1024 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head(len(body)) + body)
        reply = answer(sock)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    assert reply.endswith(str(len(body)).encode())


def test_a_client_waiting_for_100_continue_is_not_timed_out(port: int) -> None:
    """Neither while it waits, nor when it takes most of a period to send the body after the
    "100 Continue" (which came half a period before the connection's next check)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head(5, "Expect: 100-continue"))
        assert sock.recv(1024).startswith(b"HTTP/1.1 100")
        time.sleep(0.7 * IDLE_S)
        sock.sendall(b"hello")
        reply = answer(sock)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]


def test_a_slow_but_steady_body_is_not_timed_out(port: int) -> None:
    pieces = 8
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head(pieces))
        for _ in range(pieces):
            time.sleep(IDLE_S / 3)
            sock.sendall(b"x")
        reply = answer(sock)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]


def test_a_body_that_stops_coming_is_timed_out(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head(100) + b"x" * 10)
        reply = answer(sock)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b"body_timeout" in reply


def test_a_request_behind_a_large_body_in_the_same_read_is_not_taken_for_a_large_header(port: int) -> None:
    """Pipelined: a read holding a whole request and the start of the next one counts only the
    next one's bytes against the header limit."""
    body = b"x" * (MAX_HEADER_BYTES * 16)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        second = head(1) + b"y"
        sock.sendall(head(len(body)) + body + second[:10])
        time.sleep(IDLE_S / 2)
        sock.sendall(second[10:])
        replies = b""
        while replies.count(b"HTTP/1.1 ") < 2 or not replies.endswith(b"1"):
            piece = sock.recv(65536)
            if not piece:
                break
            replies += piece
    assert replies.count(b"HTTP/1.1 200") == 2, replies[:400]


def test_headers_over_the_limit_across_reads_are_refused(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: test\r\nX-Big: ")
        try:
            for _ in range(64):
                time.sleep(0.01)
                sock.sendall(b"a" * 1024)
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = answer(sock)
    assert reply.startswith(b"HTTP/1.1 431"), reply[:200]
