"""The client's one transport policy: which failed calls are repeated, how long to wait, how a failure reads.

Both ways the client speaks HTTP follow it: API calls through :class:`RetryingClient` (httpx) and
the chunk batches of :mod:`kamld.bulk` (urllib3). A call is repeated only where repeating it is
harmless: idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS), calls their sender declares
idempotent (reading chunks by digest, uploading chunks by digest, asking for a transfer grant), and
any call that never left this machine (the connection was refused). Any other POST that may have
reached the server is not repeated.

What is worth repeating: a connection that failed or broke, and the answers 429, 502, 503 and 504.
The waits grow exponentially with random jitter (stamina's backoff), or are what the server's
``Retry-After`` asks for, up to a cap. stamina is loaded at the first failure, so that a command
whose calls all succeed does not pay for importing it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from kamld.errors import ConnectionFailed, retry_after

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
SAFE_TO_REPEAT = {"kamld.idempotent": True}
"""httpx request extensions that mark a POST as safe to repeat (asking for a transfer grant)."""

# httpx's failures of a request that never reached the server: repeating it is always safe.
UNSENT_FAILURES: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout)
# httpx's failures of the connection rather than of the request (a malformed URL is not repeated).
# urllib3's (kamld.bulk) arrive as ConnectionFailed, so that this module need not import urllib3
# (tens of milliseconds for every command that never transfers chunks).
TRANSPORT_FAILURES: tuple[type[Exception], ...] = (
    httpx.NetworkError,
    httpx.TimeoutException,
    httpx.RemoteProtocolError,
)

RetryNotice = Callable[[int, float, BaseException], None]
_retry_notice: RetryNotice | None = None


def report_retries(notice: RetryNotice | None) -> None:
    """Have ``notice(attempt, wait_s, cause)`` told of every scheduled retry, instead of stamina's own hooks.

    For applications such as the ``kamld`` command: stamina's default hooks log through structlog
    where it is installed, whose default output is standard output, which would mix with ``--json``
    answers. A library user who sets no notice keeps stamina's defaults.
    """
    global _retry_notice
    _retry_notice = notice


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed call is repeated.

    ``attempts`` counts the first try; waits start at ``wait_initial`` seconds, double up to
    ``wait_max``, and each gets up to ``wait_jitter`` seconds of random jitter, so that clients
    that failed together do not come back together. ``timeout`` bounds the time spent on one call
    and its repeats; a ``Retry-After`` longer than ``retry_after_max`` is cut to it.
    """

    attempts: int = 3
    wait_initial: float = 0.2
    wait_max: float = 5.0
    wait_jitter: float = 0.2
    timeout: float | None = 120.0
    retry_after_max: float = 10.0

    def run(self, call: Callable[[], T], *, idempotent: bool) -> T:
        """``call()``, repeated after failures worth repeating (only unsent ones unless ``idempotent``)."""
        try:
            return call()
        except Exception as exc:
            # ``is False``: a wait of 0.0 seconds (``Retry-After: 0``) is a yes.
            if self.attempts <= 1 or self.worth_repeating(exc, idempotent=idempotent) is False:
                raise
            first_failure = exc
        return self._repeat(call, first_failure, idempotent=idempotent)

    def worth_repeating(self, exc: BaseException, *, idempotent: bool) -> bool | float:
        """Whether ``exc`` is worth another try: False, True, or the seconds the server asked to wait.

        The shape of a stamina backoff hook.
        """
        if isinstance(exc, UNSENT_FAILURES) or (isinstance(exc, ConnectionFailed) and exc.unsent):
            return True
        if not idempotent:
            return False
        if isinstance(exc, TRANSPORT_FAILURES + (ConnectionFailed,)):
            return True
        status = getattr(exc, "status", None)
        if status in RETRYABLE_STATUSES:
            asked = getattr(exc, "retry_after", None)
            return True if asked is None else min(asked, self.retry_after_max)
        return False

    def pause(self, attempt: int) -> None:
        """Wait before repeating a call that failed ``attempt + 1`` times, for loops that repeat by hand."""
        backoff = self.wait_initial * 2**attempt + random.uniform(0, self.wait_jitter)
        time.sleep(min(self.wait_max, backoff))

    def _repeat(self, call: Callable[[], T], first_failure: Exception, *, idempotent: bool) -> T:
        import stamina

        if _retry_notice is not None:
            notice = _retry_notice
            stamina.instrumentation.set_on_retry_hooks(
                [lambda details: notice(details.retry_num, details.wait_for, details.caused_by)]
            )

        pending: Exception | None = first_failure
        for attempt in stamina.retry_context(
            on=lambda exc: self.worth_repeating(exc, idempotent=idempotent),
            attempts=self.attempts,
            timeout=self.timeout,
            wait_initial=self.wait_initial,
            wait_max=self.wait_max,
            wait_jitter=self.wait_jitter,
        ):
            with attempt:
                if pending is not None:
                    # The first try already failed outside stamina; raising its failure here lets
                    # stamina schedule (and log) the first wait like every later one.
                    failure, pending = pending, None
                    raise failure
                return call()
        raise AssertionError("stamina ends with an answer or the last failure")


DEFAULT_RETRY = RetryPolicy()


def connection_failed(
    target: str, exc: BaseException, *, unsent: bool | None = None, hint: str = ""
) -> ConnectionFailed:
    """The error a caller sees for a connection that failed or broke, whichever library carried it.

    ``unsent``: no connection could be made, so the request never left (found out for httpx's
    errors; the caller says so for others). ``hint`` is said only then (is the platform up?).
    """
    if unsent is None:
        unsent = isinstance(exc, UNSENT_FAILURES)
    if unsent:
        detail = f"cannot reach KAML-D at {target}: {type(exc).__name__}{hint}"
    else:
        detail = f"lost the connection to {target}: {type(exc).__name__}"
    failure = ConnectionFailed(detail, code="connection_failed")
    failure.unsent = unsent
    return failure


class _RepeatableAnswer(Exception):
    """An answer worth another try (429, 502, 503, 504): kept, read, to be returned if none is left."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.status = response.status_code
        self.retry_after = retry_after(response.headers.get("Retry-After"))


class RetryingClient(httpx.Client):
    """An httpx client that repeats its requests as :class:`RetryPolicy` says.

    Everything sent through it, by :class:`kamld.Client` or by the transfers, is covered. A request
    whose body is a stream (it cannot be sent twice) is sent once. When every try was answered with
    a status worth repeating, the last answer is returned like any other.
    """

    def __init__(self, *args: Any, retry: RetryPolicy = DEFAULT_RETRY, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry = retry

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if not isinstance(request.stream, httpx.ByteStream):
            return super().send(request, **kwargs)
        idempotent = request.method in IDEMPOTENT_METHODS or bool(request.extensions.get("kamld.idempotent"))

        def attempt() -> httpx.Response:
            response = super(RetryingClient, self).send(request, **kwargs)
            if idempotent and response.status_code in RETRYABLE_STATUSES:
                response.read()
                response.close()
                raise _RepeatableAnswer(response)
            return response

        try:
            return self.retry.run(attempt, idempotent=idempotent)
        except _RepeatableAnswer as last:
            return last.response
