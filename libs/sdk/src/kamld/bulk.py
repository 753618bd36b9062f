"""The byte path of pushes and pulls: chunk batches carried by urllib3.

API calls (open an upload, commit, list a manifest) go through the client's httpx session. The
calls that carry chunk bytes, batched reads and batched uploads, come here, and so do a push's
questions about which chunks are missing, which go with them. httpx's synchronous streams read
64 KiB at a time, each piece through h11, which costs about 2.5 CPU-seconds per GiB received;
urllib3 (``http.client`` underneath) reads the same bytes in 1 MiB blocks for about 0.4
(measured on loopback, see docs/storage.md).

A channel talks either to the gateway's content routes with the caller's token, or straight to
storage-gateway with a grant the gateway issued ("Direct transfers" in docs/storage.md); a grant
that expires during a long transfer is renewed once and the call repeated. Every call here is safe
to repeat (chunks are read and stored by digest) and is repeated as the client's
:class:`~kamld.transport.RetryPolicy` says.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from http.client import HTTPException
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

import httpx
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.exceptions import HTTPError as TransportFailure

from kamld.errors import ConnectionFailed, IntegrityError, KamldClientError, error_from_response, json_of
from kamld.transport import DEFAULT_RETRY, SAFE_TO_REPEAT, RetryPolicy, connection_failed
from kamld_content.chunking import ContentChanged
from kamld_content.delta import Delta
from kamld_content.framing import (
    MEDIA_TYPE,
    FrameReader,
    FramingError,
    TruncatedBatch,
    frame_header,
    frame_headers,
    frame_length,
    read_frames,
)
from kamld_content.hashing import digest_bytes

READ_BLOCK = 1 << 20
SEND_BLOCK = 256 << 10
ATTEMPTS = DEFAULT_RETRY.attempts
"""The default policy's attempts; a channel's own are ``channel.retry.attempts``."""
CONNECT_TIMEOUT_S = 10.0
GRANT_EXPIRED = "grant_expired"
# Failures to connect at all: the granted address is wrong or unreachable from this client.
_UNREACHABLE = (NewConnectionError, ConnectTimeoutError)

log = logging.getLogger("kamld")
T = TypeVar("T")

# Renews a channel's credentials: the headers to send from now on.
Renewal = Callable[[], Mapping[str, str]]


class ChunkChannel:
    """Reads and uploads chunk batches at ``base_url`` (the prefix that ``/chunks/read`` hangs off)."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        *,
        timeout: float = 300.0,
        connections: int = 8,
        renew: Renewal | None = None,
        fallback: ChunkChannel | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers)
        self.timeout = timeout
        self.retry = retry
        self._renew = renew
        self._fallback = fallback
        self._pool = urllib3.PoolManager(
            maxsize=connections,
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=timeout),
            retries=False,
        )
        self._pool.pool_classes_by_scheme = {"http": _SpanSendingPool, "https": _SpanSendingTLSPool}

    @classmethod
    def beside(cls, client: httpx.Client, base_path: str, *, connections: int = 8) -> ChunkChannel:
        """A channel to the same server as ``client``, with its headers (its token), read timeout and
        retry policy."""
        timeout = client.timeout.read if client.timeout.read is not None else 300.0
        return cls(
            str(client.base_url).rstrip("/") + base_path,
            client.headers,
            timeout=timeout,
            connections=connections,
            retry=getattr(client, "retry", DEFAULT_RETRY),
        )

    def close(self) -> None:
        self._pool.clear()
        if self._fallback is not None:
            self._fallback.close()

    def __enter__(self) -> ChunkChannel:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # reads -------------------------------------------------------------------------------------

    def fetch(self, digests: Sequence[str]) -> dict[str, bytes]:
        """The bytes of ``digests`` (distinct) in one request, each checked against its digest."""

        def verified(response: urllib3.BaseHTTPResponse) -> dict[str, bytes]:
            fetched: dict[str, bytes] = {}
            for digest, data in _frames_of(response):
                if digest_bytes(data) != digest:
                    raise IntegrityError(f"chunk {digest} did not match its digest", code="corrupt_chunk")
                fetched[digest] = data
            return fetched

        return self._read_batch(digests, verified)

    def fetch_deltas(self, wanted: Sequence[Mapping[str, Any]]) -> dict[str, Delta]:
        """``POST /chunks/delta`` for ``wanted`` (``{digest, base, base_offset, base_size}`` each):
        each chunk as a :class:`Delta` against its base.

        Not verified here: only the caller, who holds the base, can rebuild the chunk and check it.
        """
        body = json.dumps({"chunks": list(wanted)}).encode()

        def attempt() -> dict[str, Delta]:
            response = self._open("POST", "/chunks/delta", body, {"Content-Type": "application/json"})
            try:
                try:
                    return {digest: Delta.decode(payload) for digest, payload in _frames_of(response)}
                except (FramingError, ValueError) as exc:
                    raise IntegrityError(
                        f"the delta answer from {self.base_url} is malformed: {exc}", code="invalid_framing"
                    ) from exc
            except BaseException:
                response.close()
                raise
            finally:
                response.release_conn()

        return self._with_retries(attempt)

    def open_read(self, digests: Sequence[str]) -> ChunkAnswer:
        """``POST /chunks/read`` for ``digests`` (distinct), answered but not yet read: the caller
        takes the chunks from the :class:`ChunkAnswer` one by one, into memory of its own.

        Opening is retried like any read; bytes lost once the answer is being read are not (the
        caller has already used the earlier ones), and end the answer with :class:`ConnectionFailed`.
        """
        body = json.dumps({"digests": list(digests)}).encode()
        headers = {"Content-Type": "application/json"}
        return self._with_retries(
            lambda: ChunkAnswer(self._open("POST", "/chunks/read", body, headers), self.base_url)
        )

    def _read_batch(
        self, digests: Sequence[str], take: Callable[[urllib3.BaseHTTPResponse], dict[str, Any]]
    ) -> dict[str, Any]:
        """``POST /chunks/read`` for ``digests``, the answer read by ``take``; every digest must be in it.

        A read is safe to repeat, so a dropped connection or a reset costs a retry, not the pull.
        """
        body = json.dumps({"digests": list(digests)}).encode()

        def attempt() -> dict[str, Any]:
            response = self._open("POST", "/chunks/read", body, {"Content-Type": "application/json"})
            try:
                return take(response)
            except BaseException:
                # Bytes left unread on this connection must not reach the next request made on it.
                response.close()
                raise
            finally:
                response.release_conn()

        fetched = self._with_retries(attempt)
        absent = [digest for digest in digests if digest not in fetched]
        if absent:
            raise IntegrityError(f"the server did not send chunk {absent[0]}", code="missing_chunk")
        return fetched

    # uploads -----------------------------------------------------------------------------------

    def send(self, upload_id: str, chunks: Sequence[OutgoingChunk]) -> Any:
        """Upload one batch of chunks to ``upload_id``; the server's answer.

        The body's length is known in advance, so each chunk goes to the socket as it is, with no
        chunked-encoding copy; a large chunk that lies in a file goes from the file to the socket
        with ``sendfile``, never read into this process. Storing a chunk twice is harmless, so a
        failed send is repeated, reading the chunks anew.
        """
        length = sum(frame_length(chunk.digest, chunk.size) for chunk in chunks)
        headers = {"Content-Type": MEDIA_TYPE, "Content-Length": str(length)}

        def body() -> Iterator[bytes | FileSpan]:
            # Small frames are joined into blocks (one system call each, not two per chunk);
            # a large chunk goes out as it is, without a copy, straight from its file if it has one.
            pending: list[bytes] = []
            pending_bytes = 0
            for chunk in chunks:
                pending.append(frame_header(chunk.digest, chunk.size))
                if chunk.size >= SEND_BLOCK:
                    yield b"".join(pending)
                    yield chunk.span if chunk.span is not None else _read_whole(chunk)
                    pending, pending_bytes = [], 0
                    continue
                pending.append(_read_whole(chunk))
                pending_bytes += chunk.size
                if pending_bytes >= SEND_BLOCK:
                    yield b"".join(pending)
                    pending, pending_bytes = [], 0
            if pending:
                yield b"".join(pending)

        def attempt() -> Any:
            response = self._open("POST", f"/uploads/{upload_id}/chunks", body(), headers)
            try:
                return json.loads(response.data or b"null")
            finally:
                response.release_conn()

        return self._with_retries(attempt)

    def missing(self, upload_id: str, digests: Sequence[str]) -> list[str]:
        """Of ``digests`` (at most 10,000), those the store lacks; asking again is harmless.

        Asked on the channel, so a direct channel asks storage-gateway itself: through the
        gateway, each question of a push was parsed, validated and passed on once more.
        """
        body = json.dumps({"digests": list(digests)}).encode()

        def attempt() -> list[str]:
            headers = {"Content-Type": "application/json"}
            response = self._open("POST", f"/uploads/{upload_id}/missing", body, headers)
            try:
                missing: list[str] = json.loads(response.data)["missing"]
                return missing
            finally:
                response.release_conn()

        return self._with_retries(attempt)

    # plumbing ----------------------------------------------------------------------------------

    def _open(
        self, method: str, path: str, body: bytes | Iterable[bytes | FileSpan], headers: Mapping[str, str]
    ) -> urllib3.BaseHTTPResponse:
        response = self._pool.request(
            method,
            self.base_url + path,
            # A FileSpan in the body reaches _SpanSending.send, which sends it from its file.
            body=cast(Iterable[bytes], body),
            headers={**self.headers, **headers},
            preload_content=False,
            redirect=False,
        )
        if response.status >= 400:
            try:
                raise _problem(method, self.base_url + path, response)
            finally:
                response.release_conn()
        return response

    def _use_fallback(self) -> None:
        assert self._fallback is not None
        self.base_url, self.headers = self._fallback.base_url, self._fallback.headers
        self._renew = self._fallback = None

    def _with_retries(self, call: Callable[[], T]) -> T:
        """``call()`` under the retry policy; a failed connection raised as :class:`ConnectionFailed`."""
        renewed = False

        def switching() -> T:
            # Not failures to wait out: an unreachable direct address falls back to the gateway at
            # once, and an expired grant is renewed (once per call) and the call made again.
            nonlocal renewed
            try:
                return call()
            except _UNREACHABLE:
                if self._fallback is None:
                    raise
                log.warning("storage-gateway unreachable at %s; sending through the gateway", self.base_url)
                self._use_fallback()
            except KamldClientError as exc:
                if exc.code != GRANT_EXPIRED or self._renew is None or renewed:
                    raise
                self.headers.update(self._renew())
                renewed = True
            return call()

        def mapped() -> T:
            try:
                return switching()
            except TransportFailure as exc:
                unsent = isinstance(exc, _UNREACHABLE)
                raise connection_failed(self.base_url, exc, unsent=unsent) from exc

        return self.retry.run(mapped, idempotent=True)


def _frames_of(response: urllib3.BaseHTTPResponse) -> Iterator[tuple[str, bytes]]:
    """The frames of a chunk batch answer, each chunk received as one object (never joined).

    storage-gateway announces the answer's length, so each chunk is read by its exact size. A
    chunked answer (another server, a proxy) is read a piece at a time: a chunk that arrives as
    one piece is handed on as it is, one split across pieces is joined.
    """
    if not response.chunked and response.length_remaining is not None:
        yield from read_frames(lambda count: response.read(count, decode_content=False))
        return
    reader = FrameReader()
    for block in response.read_chunked() if response.chunked else response.stream(READ_BLOCK):
        # A joining reader answers every chunk as bytes.
        yield from cast(Iterator[tuple[str, bytes]], reader.feed(block))
    reader.close()


class ChunkAnswer:
    """The answer to a batched read, taken a frame at a time, each chunk into the caller's memory.

    storage-gateway announces the answer's length, so a chunk goes from the socket straight into
    whatever buffer the caller hands :meth:`readinto` (a file writer's aligned buffer): a large
    file's pull holds no group of chunks in memory and copies none. Receiving the benchmark's
    4 x 256 MiB into a reused 16 MiB buffer per group first cost the client 190 MiB of memory,
    dear wherever its pages come fresh (docs/storage.md). An answer without a length (a proxy's
    chunked encoding) is decoded a frame at a time and copied out.

    :meth:`close` gives the connection back for reuse only when the answer was read to its end.
    """

    def __init__(self, response: urllib3.BaseHTTPResponse, url: str) -> None:
        self._response = response
        self._url = url
        self._left_in_frame = 0
        self._finished = False
        raw: Any = getattr(response, "_fp", None)
        if response.chunked or response.length_remaining is None or not hasattr(raw, "readinto"):
            self._pending = memoryview(b"")
            self._headers = self._decoded_headers(_frames_of(response))
            self._readinto = self._copy_pending
            self._raw = None
        else:
            self._headers = frame_headers(raw.read)
            self._readinto = raw.readinto
            self._raw = raw

    def next_frame(self) -> tuple[str, int] | None:
        """The next chunk's digest and size, None after the last; read its bytes before asking again."""
        if self._left_in_frame:
            raise FramingError(f"{self._left_in_frame} bytes of the current chunk were not read")
        try:
            frame = next(self._headers, None)
        except (OSError, HTTPException, TruncatedBatch) as exc:
            raise self._lost(exc) from exc
        except FramingError as exc:
            raise IntegrityError(
                f"the answer from {self._url} is not a well-formed chunk batch: {exc}", code="invalid_framing"
            ) from exc
        if frame is None:
            # http.client ends a body cut short with an empty read, not an error; what it still
            # expected tells a cut at a frame boundary (a connection lost, or storage-gateway
            # stopping before a chunk that failed its check) from the answer's end.
            short = getattr(self._raw, "length", None)
            if short:
                raise self._lost(EOFError(f"the answer ended {short} bytes short of its announced length"))
            self._finished = True
        else:
            self._left_in_frame = frame[1]
        return frame

    def readinto(self, view: memoryview) -> int:
        """Bytes of the current chunk into ``view``: how many (never more than the chunk has left)."""
        wanted = view[: self._left_in_frame]
        if not wanted:
            return 0
        try:
            count = self._readinto(wanted)
        except (OSError, HTTPException) as exc:
            raise self._lost(exc) from exc
        if not count:
            raise self._lost(EOFError(f"the answer ended {self._left_in_frame} bytes into a chunk"))
        self._left_in_frame -= count
        return count

    def close(self) -> None:
        if not self._finished:
            # Bytes left unread on this connection must not reach the next request made on it.
            self._response.close()
        self._response.release_conn()

    def __enter__(self) -> ChunkAnswer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _lost(self, exc: BaseException) -> ConnectionFailed:
        return ConnectionFailed(
            f"lost the connection to {self._url} while receiving chunks: {str(exc) or type(exc).__name__}",
            code="connection_failed",
        )

    def _decoded_headers(self, frames: Iterator[tuple[str, bytes]]) -> Iterator[tuple[str, int]]:
        for digest, data in frames:
            self._pending = memoryview(data)
            yield digest, len(data)

    def _copy_pending(self, view: memoryview) -> int:
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


class FileSpan(NamedTuple):
    """``size`` bytes of the file at ``path`` from ``offset``, to be sent as they lie."""

    path: str
    offset: int
    size: int


class OutgoingChunk(NamedTuple):
    """A chunk to upload: ``read()`` returns its bytes (kept in memory, or read back from its file).

    ``span``, where the chunk lies in its file, lets a large chunk go from the file to the socket
    without passing through this process.
    """

    digest: str
    size: int
    read: Callable[[], bytes]
    span: FileSpan | None = None


def _read_whole(chunk: OutgoingChunk) -> bytes:
    data = chunk.read()
    if len(data) != chunk.size:
        raise KamldClientError(
            f"chunk {chunk.digest} changed size while it was being sent; push again", code="content_changed"
        )
    return data


def _send_span(sock: Any, span: FileSpan) -> None:
    """Send ``span`` with ``sendfile`` where the socket has it (a TLS socket sends a copy itself)."""
    with open(span.path, "rb") as stream:
        if hasattr(sock, "sendfile"):
            sent = sock.sendfile(stream, span.offset, span.size)
        else:
            data = os.pread(stream.fileno(), span.size, span.offset)
            sock.sendall(data)
            sent = len(data)
    if sent != span.size:
        # The body is now shorter than its Content-Length: the connection is closed, not reused.
        raise ContentChanged(f"{span.path!r} changed since it was chunked (it is shorter now)")


# The mixin extends whichever connection class it is combined with; to a type checker, the plain one.
if TYPE_CHECKING:
    _Connection = HTTPConnection
else:
    _Connection = object


class _SpanSending(_Connection):
    """A urllib3 connection whose ``send`` also takes a :class:`FileSpan` (see ``ChunkChannel.send``).

    Reading a chunk back from its file and writing it to the socket copied every byte twice, about
    a tenth of a push's CPU in the client for large files; ``sendfile`` hands the file's cached
    pages to the kernel's socket instead.
    """

    sock: Any

    def send(self, data: Any) -> None:
        if isinstance(data, FileSpan):
            _send_span(self.sock, data)
        else:
            super().send(data)


class _SpanSendingConnection(_SpanSending, HTTPConnection):
    pass


class _SpanSendingTLSConnection(_SpanSending, HTTPSConnection):
    pass


class _SpanSendingPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _SpanSendingConnection


class _SpanSendingTLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _SpanSendingTLSConnection


def open_channel(
    client: httpx.Client, base_path: str, grant_path: str, *, connections: int = 8
) -> ChunkChannel:
    """A channel straight to storage-gateway when the gateway grants one, else through the gateway.

    ``grant_path`` (under ``base_path``) asks for the grant: ``/uploads/{id}/grant`` to write
    to an upload, ``/chunks/grant`` to read. A server without direct transfers answers 404, and
    the bytes then travel the gateway's own routes. A grant is renewed the same way when it
    expires during the transfer; when storage-gateway cannot be reached at the granted URL, the
    channel falls back to the gateway.
    """
    beside = ChunkChannel.beside(client, base_path, connections=connections)

    def ask() -> dict[str, Any] | None:
        response = client.post(base_path + grant_path, extensions=SAFE_TO_REPEAT)
        if response.status_code in (404, 405):
            return None
        if response.status_code >= 400:
            raise error_from_response(response)
        grant: dict[str, Any] = json_of(response)
        return grant

    grant = ask()
    if grant is None:
        return beside

    def renew() -> Mapping[str, str]:
        fresh = ask()
        if fresh is None:
            raise KamldClientError("the gateway stopped granting direct transfers", code="grant_refused")
        return {fresh["header"]: fresh["token"]}

    return ChunkChannel(
        grant["url"],
        {"User-Agent": client.headers.get("User-Agent", "kamld"), grant["header"]: grant["token"]},
        timeout=beside.timeout,
        connections=connections,
        renew=renew,
        fallback=beside,
    )


pause_before_retry = DEFAULT_RETRY.pause
"""Wait before repeating a call that failed ``attempt + 1`` times (for loops that repeat by hand)."""


def _problem(method: str, url: str, response: urllib3.BaseHTTPResponse) -> KamldClientError:
    """The typed error of an error answer, decoded the same way as every API error."""
    as_httpx = httpx.Response(
        response.status,
        headers=dict(response.headers),
        content=response.read(),
        request=httpx.Request(method, url),
    )
    return error_from_response(as_httpx)
