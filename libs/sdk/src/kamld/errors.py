"""Errors the client raises: one class per kind of problem the API reports.

The API answers errors as RFC 9457 problem details with a stable ``code``; :func:`error_from_response`
turns one into the matching exception, keeping ``status``, ``code``, ``detail`` and any extra
members (``errors`` naming invalid fields, ``suggestions`` for an unknown name).
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx


class KamldClientError(Exception):
    """Base of every error the KAML-D client raises."""

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str = "client_error",
        problem: dict[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code
        self.problem: dict[str, Any] = dict(problem or {})
        self.retry_after = retry_after
        """Seconds the server asked the client to wait before trying again (``Retry-After``), if it did."""

    @property
    def suggestions(self) -> list[str]:
        """Close names the server found for an unknown one (``did you mean …?``)."""
        value = self.problem.get("suggestions") or []
        return [str(v) for v in value] if isinstance(value, list) else []

    def __str__(self) -> str:
        if self.suggestions and "did you mean" not in self.detail:
            return f"{self.detail} (did you mean {', '.join(self.suggestions)}?)"
        return self.detail


class BadRequest(KamldClientError):
    """400: the request could not be understood."""


class Unauthorized(KamldClientError):
    """401: no API token, or an unknown or revoked one."""


class Forbidden(KamldClientError):
    """403: the token's role does not allow this operation."""


class NotFound(KamldClientError):
    """404: no such artifact, version, alias, file or token."""


class Conflict(KamldClientError):
    """409: the state changed underneath (expected parent or version did not match, name taken)."""


class InvalidInput(KamldClientError):
    """422: the input breaks a rule; ``problem['errors']`` names the fields."""


class PayloadTooLarge(KamldClientError):
    """413: the input is larger than the server accepts."""


class RateLimited(KamldClientError):
    """429: too many requests for now; ``retry_after`` says how long to wait, if the server said."""


class ServerError(KamldClientError):
    """5xx: the platform failed or a service is down."""


class Unavailable(ServerError):
    """503: a service is down or not ready."""


class ConnectionFailed(KamldClientError):
    """The platform did not answer at all."""

    unsent = False
    """True when no connection could be made, so the request never reached the server."""


class IntegrityError(KamldClientError):
    """Downloaded content did not match its digest."""


class UnexpectedAnswer(KamldClientError):
    """A successful answer this client cannot read: not JSON, or not the shape it expects.

    What a proxy's HTML page, a server of another kind at ``KAMLD_URL`` or a broken server gives;
    the message names the request, or the field that did not fit.
    """


class NotAGateway(NotFound):
    """The URL answers, but not as a KAML-D gateway: a route of the public API is unknown there.

    What ``KAMLD_URL`` pointing at another service's port, or at any other HTTP server, gives; a
    404 like any other to code that catches :class:`NotFound`.
    """


def json_of(response: httpx.Response) -> Any:
    """The parsed JSON body of a successful answer; :class:`UnexpectedAnswer` if it is not JSON."""
    try:
        return response.json()
    except ValueError:
        kind = response.headers.get("content-type", "no content type")
        raise UnexpectedAnswer(
            f"{response.request.method} {response.request.url.path} answered {response.status_code} "
            f"with {kind}, not JSON (is KAMLD_URL a KAML-D server?)",
            status=response.status_code,
            code="unexpected_answer",
        ) from None


_BY_STATUS: dict[int, type[KamldClientError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: Conflict,
    413: PayloadTooLarge,
    422: InvalidInput,
    429: RateLimited,
    503: Unavailable,
}


_ROUTE_NOT_FOUND = {None, "not_found"}
"""Codes of a 404 that names no KAML-D resource: every missing artifact, version, alias or file has
its own code, so an answer without one comes from a server that lacks the route itself (a HEAD
answer has no body to tell, so it is never read this way)."""


_INTERNAL_SERVICE = "internal_token_required"
"""The code with which the platform's internal services refuse a caller without their shared token:
the URL names one of them, not the gateway."""


def error_from_response(response: httpx.Response) -> KamldClientError:
    """The exception a problem+json (or any error) response stands for; reads the body if needed."""
    try:
        response.read()
        body = response.json()
    except (ValueError, httpx.StreamError):
        body = None
    problem = body if isinstance(body, dict) else {}
    status = response.status_code
    if status == 404 and problem.get("code") in _ROUTE_NOT_FOUND and response.request.method != "HEAD":
        return _not_a_gateway(response)
    if status == 401 and problem.get("code") == _INTERNAL_SERVICE:
        return _not_a_gateway(response)
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else KamldClientError)
    detail = (
        problem.get("detail") or f"HTTP {status} from {response.request.method} {response.request.url.path}"
    )
    code = str(problem.get("code") or f"http_{status}")
    wait = retry_after(response.headers.get("Retry-After"))
    return cls(str(detail), status=status, code=code, problem=problem, retry_after=wait)


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date); None if it says none."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _not_a_gateway(response: httpx.Response) -> NotAGateway:
    request = response.request
    base = f"{request.url.scheme}://{request.url.netloc.decode()}"
    return NotAGateway(
        f"{base} is not a KAML-D gateway: {request.method} {request.url.path} answered "
        f"{response.status_code} (check KAMLD_URL, or the url of the CLI config)",
        status=response.status_code,
        code="not_a_gateway",
        problem={"url": base},
    )


class LocalChangesError(KamldClientError):
    """A pull would overwrite or remove files changed in the directory since it was last pulled or
    pushed (or untracked files in the way); nothing was written. ``conflicts``: ``(path, reason)``."""

    def __init__(self, detail: str, *, conflicts: list[tuple[str, str]] | None = None) -> None:
        conflicts = list(conflicts or [])
        super().__init__(
            detail,
            code="local_changes",
            problem={"conflicts": [{"path": path, "reason": reason} for path, reason in conflicts]},
        )
        self.conflicts = conflicts
