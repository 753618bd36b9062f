"""Limits on what one HTTP connection may cost a server before any application code runs.

uvicorn's httptools protocol buffers a request's headers without bound and waits forever for a
client that has connected but not finished its headers or its body: one client sending a huge
header, or a few holding connections half-sent, tie up a worker. :class:`GuardedHttpToolsProtocol`
adds what it lacks:

- a cap on the request line and headers together (``431``, then the connection closes);
- a deadline for them, counted from the request's first byte or, on a new connection, from
  connecting (``408``, then the connection closes);
- a longest pause between two reads of a request body (``408`` if no answer has started, then
  the connection closes). Time the server itself stops reading (its buffer is full because the
  application consumes slowly), or has not yet asked for a body sent on ``Expect: 100-continue``,
  does not count against the client.

Idle keep-alive connections between requests stay uvicorn's ``timeout_keep_alive``.

The subclass hooks into uvicorn's parser callbacks and per-request state (``url``, ``headers``,
``cycle``, ``flow``), which are not a public API: uvicorn is pinned in ``uv.lock``, and the
tests of ``libs/common`` and of the gateway's limits exercise every hook on an upgrade.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from kamld_common.errors import PROBLEM_JSON, HeadersTooLarge, KamldError, RequestTimeout


@dataclass(frozen=True)
class ConnectionLimits:
    """What :class:`GuardedHttpToolsProtocol` enforces; carried to uvicorn's workers on its config."""

    max_header_bytes: int = 65536
    header_timeout_s: float = 10.0
    body_idle_timeout_s: float = 30.0


class _Phase(Enum):
    HEADERS = "headers"
    BODY = "body"
    BETWEEN = "between"
    """A request has been read; the next has not begun (uvicorn's keep-alive timeout applies)."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits of :class:`ConnectionLimits`."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits: ConnectionLimits = getattr(config, "connection_limits", None) or ConnectionLimits()
        self._phase = _Phase.HEADERS
        self._header_bytes = 0
        self._began_in_this_read = False
        self._headers_began = 0.0
        self._last_read = 0.0
        self._server_was_silent = False
        self._watchdog: asyncio.TimerHandle | None = None
        self._refusal: KamldError | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
        super().connection_made(transport)
        self._headers_began = self._last_read = self.loop.time()
        self._watch(self.limits.header_timeout_s)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._last_read = self.loop.time()
        self._began_in_this_read = False
        continuing = self._phase is _Phase.HEADERS
        super().data_received(data)
        if self._phase is not _Phase.HEADERS or self.transport.is_closing():
            return
        # Whole reads are counted only for headers begun in an earlier read: a read that also held
        # the end of the previous request would otherwise count its bytes too. Headers completed
        # within one read are measured exactly in on_headers_complete.
        if continuing and not self._began_in_this_read:
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.max_header_bytes:
                self._refuse(self._headers_too_large())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._phase = _Phase.HEADERS
        self._began_in_this_read = True
        self._header_bytes = 0
        self._headers_began = self.loop.time()
        self._watch(self.limits.header_timeout_s)

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.limits.max_header_bytes:
            # Raising stops the parser before the request reaches the application; uvicorn then
            # calls send_400_response, which answers this refusal instead.
            self._refusal = self._headers_too_large()
            raise self._refusal
        self._phase = _Phase.BODY
        super().on_headers_complete()
        self._watch(self.limits.body_idle_timeout_s)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._phase = _Phase.BETWEEN

    def send_400_response(self, msg: str) -> None:
        if self._refusal is not None:
            self._refuse(self._refusal)
        else:
            super().send_400_response(msg)

    def _headers_too_large(self) -> HeadersTooLarge:
        limit = self.limits.max_header_bytes
        return HeadersTooLarge(
            f"the request line and headers exceed the limit of {limit} bytes", extra={"limit_bytes": limit}
        )

    def _watch(self, delay: float) -> None:
        due = self.loop.time() + delay
        if self._watchdog is not None:
            if self._watchdog.when() <= due:
                return
            self._watchdog.cancel()
        self._watchdog = self.loop.call_at(due, self._check)

    def _check(self) -> None:
        """One timer per connection, re-armed for the nearest deadline rather than per read."""
        self._watchdog = None
        if self.transport.is_closing():
            return
        now = self.loop.time()
        if self._phase is _Phase.HEADERS:
            left = self._headers_began + self.limits.header_timeout_s - now
            if left <= 0:
                timeout = self.limits.header_timeout_s
                self._refuse(
                    RequestTimeout(
                        f"the request line and headers did not arrive within {timeout:g} s",
                        code="header_timeout",
                        extra={"timeout_s": timeout},
                    )
                )
                return
        elif self._phase is _Phase.BODY:
            server_silent = self.flow.read_paused or (
                self.cycle is not None and self.cycle.waiting_for_100_continue
            )
            if server_silent or self._server_was_silent:
                # The server stopped reading, or the client waits for its "100 Continue": the
                # silence is the server's, not the client's. Once the server reads again (or has
                # sent the "100 Continue"), the client gets a whole period from then on.
                self._last_read = now
            self._server_was_silent = server_silent
            left = self._last_read + self.limits.body_idle_timeout_s - now
            if left <= 0:
                self._body_stalled()
                return
        else:
            return
        self._watchdog = self.loop.call_later(left, self._check)

    def _body_stalled(self) -> None:
        timeout = self.limits.body_idle_timeout_s
        cycle = self.cycle
        if cycle is not None and cycle.response_started:
            self.transport.close()
            return
        if cycle is not None:
            # The application sees a disconnect; whatever it sends from now on goes nowhere.
            cycle.disconnected = True
            cycle.message_event.set()
        self._refuse(
            RequestTimeout(
                f"the request body stalled: nothing arrived for {timeout:g} s",
                code="body_timeout",
                extra={"timeout_s": timeout},
            )
        )

    def _refuse(self, error: KamldError) -> None:
        """Answer ``error`` as problem+json outside any application, and close the connection."""
        body = json.dumps(error.to_problem()).encode()
        head = [STATUS_LINE[error.status]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.extend(
            [
                b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
                b"content-length: " + str(len(body)).encode() + b"\r\n",
                b"connection: close\r\n\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(head))
        self.transport.close()
