"""The one HTTP client services use to call each other.

:class:`ServiceClient` is an ``httpx.AsyncClient`` that
- times out every call,
- retries idempotent calls (and calls the caller marks ``retry=True``) on transport errors and
  408/429/502/503/504 with exponential backoff and jitter, honouring ``Retry-After``; a streamed
  answer (:meth:`ServiceClient.open_stream`) is retried on transport errors when bodiless and idempotent,
- forwards the caller's identity (``X-Kamld-Caller``) and the internal token; W3C trace context is
  injected by the OpenTelemetry httpx instrumentation,
- turns problem+json answers back into the :class:`~kamld_common.errors.KamldError` they describe,
- keeps at most ``max_in_flight`` calls on the wire and queues the rest in an ``asyncio.Semaphore``,
- sends through aiohttp's connection pool (``httpx-aiohttp``) wrapped in OpenTelemetry's httpx
  transport: httpcore's pool scans every connection on every call, which under load cost more CPU
  than the rest of a gateway request; aiohttp's pool does the same job in about a third of it.
  A ``bulk`` client (one that streams file bytes, makes few calls) keeps httpcore, whose pool costs
  little at that call rate and whose streaming the transfer benchmarks were measured with.
"""

from __future__ import annotations

import asyncio
import contextvars
import random
from collections.abc import Mapping
from typing import Any

import httpx
from httpx_aiohttp import AiohttpTransport
from opentelemetry.instrumentation.httpx import AsyncOpenTelemetryTransport

from kamld_common.errors import BadRequest, KamldError, Unavailable, error_from_problem

CALLER_HEADER = "X-Kamld-Caller"
INTERNAL_TOKEN_HEADER = "X-Kamld-Internal-Token"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
DEFAULT_MAX_IN_FLIGHT = 32


def pooled_transport(limits: httpx.Limits, *, bulk: bool = False) -> httpx.AsyncBaseTransport:
    """aiohttp's pool under OpenTelemetry's transport (spans and W3C trace context on every call)
    for many small calls; httpcore's own (instrumented process-wide) for ``bulk`` streams of bytes."""
    if bulk:
        return httpx.AsyncHTTPTransport(limits=limits)
    return AsyncOpenTelemetryTransport(AiohttpTransport(limits=limits))


current_caller: contextvars.ContextVar[str | None] = contextvars.ContextVar("kamld_caller", default=None)

ANONYMOUS = "anonymous"


def current_actor() -> str:
    """Who acts in the request being served, as events and records name them: the user the gateway
    authenticated (``X-Kamld-Caller``), else ``anonymous``."""
    return (current_caller.get() or "").strip()[:256] or ANONYMOUS


def _with_caller(kwargs: dict[str, Any]) -> None:
    """Forward the identity of the caller this request serves (set by the identity middleware)."""
    caller = current_caller.get()
    if caller:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault(CALLER_HEADER, caller)
        kwargs["headers"] = headers


def _check_headers(headers: Mapping[str, str] | None) -> None:
    for name, value in (headers or {}).items():
        if not value.isascii():
            raise BadRequest(f"header {name} must be ASCII", code="invalid_header", extra={"header": name})


class ServiceClient(httpx.AsyncClient):
    """An httpx client for one other KAML-D service."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        user_agent: str,
        timeout: float = 10.0,
        retries: int = 3,
        backoff_s: float = 0.1,
        internal_token: str | None = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        bulk: bool = False,
        **kwargs: Any,
    ) -> None:
        headers = {"User-Agent": user_agent, **dict(kwargs.pop("headers", {}) or {})}
        if internal_token:
            headers[INTERNAL_TOKEN_HEADER] = internal_token
        limits = kwargs.pop("limits", httpx.Limits(max_connections=100, max_keepalive_connections=50))
        kwargs.setdefault("transport", pooled_transport(limits, bulk=bulk))
        super().__init__(base_url=base_url, timeout=timeout, headers=headers, limits=limits, **kwargs)
        self.service = service
        self.retries = retries
        self.backoff_s = backoff_s
        self._in_flight = asyncio.Semaphore(max_in_flight)

    async def request(
        self, method: str, url: Any, *, retry: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send with retries when safe; raise the KamldError of a 4xx/5xx answer."""
        _with_caller(kwargs)
        may_retry = retry if retry is not None else method.upper() in IDEMPOTENT_METHODS
        attempts = self.retries + 1 if may_retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                async with self._in_flight:
                    response = await super().request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if last:
                    raise Unavailable(
                        f"{self.service} did not answer: {type(exc).__name__}",
                        code="upstream_unavailable",
                        extra={"service": self.service},
                    ) from exc
                await asyncio.sleep(self._delay(attempt, None))
                continue
            if response.status_code in RETRY_STATUSES and not last:
                await response.aread()
                await asyncio.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code >= 400:
                await response.aread()
                raise self._error(response)
            return response
        raise AssertionError("unreachable")

    async def open_stream(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request whose answer is streamed back (the caller reads and closes it), whatever its
        status. A bodiless idempotent request is retried on transport errors, such as a pooled
        connection the server closed just as it was reused; a streamed body cannot be sent twice.
        Header values that HTTP cannot carry (non-ASCII) are refused as the client's mistake."""
        _with_caller(kwargs)
        _check_headers(kwargs.get("headers"))
        may_retry = method.upper() in IDEMPOTENT_METHODS and kwargs.get("content") is None
        attempts = self.retries + 1 if may_retry else 1
        for attempt in range(attempts):
            try:
                async with self._in_flight:
                    return await self.send(self.build_request(method, url, **kwargs), stream=True)
            except httpx.TransportError as exc:
                if attempt == attempts - 1:
                    raise Unavailable(
                        f"{self.service} did not answer: {type(exc).__name__}",
                        code="upstream_unavailable",
                        extra={"service": self.service},
                    ) from exc
                await asyncio.sleep(self._delay(attempt, None))
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), 30.0)
            except ValueError:
                pass
        return self.backoff_s * (2.0**attempt) * (0.5 + random.random())

    def _error(self, response: httpx.Response) -> KamldError:
        body: Mapping[str, Any] | None = None
        try:
            parsed = response.json()
            body = parsed if isinstance(parsed, dict) else None
        except ValueError:
            body = None
        if body is None:
            body = {"detail": f"{self.service} answered HTTP {response.status_code}"}
        return error_from_problem(response.status_code, body)
