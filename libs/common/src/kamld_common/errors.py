"""One error model for every KAML-D service.

Domain code raises a :class:`KamldError` subclass; exactly one place (:func:`install_error_handlers`)
turns it into an RFC 9457 ``application/problem+json`` response with a stable machine ``code``.
Driver messages and tracebacks go to the logs, never to the client.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://kamld.dev/problems/"
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

log = structlog.get_logger("kamld.errors")


class KamldError(Exception):
    """Base of every error a KAML-D service reports to a client."""

    status: int = 500
    code: str = "internal_error"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        extra: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.extra: dict[str, Any] = dict(extra or {})

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return body


class Invalid(KamldError):
    """The request is well-formed HTTP but its content breaks a rule (422)."""

    status = 422
    code = "invalid"
    title = "Invalid request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        field: str | Sequence[str | int] | None = None,
        code: str | None = None,
        extra: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        merged = dict(extra or {})
        if field is not None:
            location = [field] if isinstance(field, str) else list(field)
            merged.setdefault(
                "errors", [{"loc": location, "msg": detail or self.title, "type": code or self.code}]
            )
        super().__init__(detail, code=code, extra=merged, status=status)


class BadRequest(KamldError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class Unauthorized(KamldError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"


class Forbidden(KamldError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(KamldError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(KamldError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(KamldError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class RequestTimeout(KamldError):
    status = 408
    code = "request_timeout"
    title = "Request timeout"


class TooManyRequests(KamldError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


class HeadersTooLarge(KamldError):
    status = 431
    code = "headers_too_large"
    title = "Request header fields too large"


class Unavailable(KamldError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"


class UpstreamError(KamldError):
    """Another service answered with something this one cannot pass on as-is."""

    status = 502
    code = "upstream_error"
    title = "Upstream service error"


_BY_STATUS: dict[int, type[KamldError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    408: RequestTimeout,
    409: Conflict,
    413: PayloadTooLarge,
    422: Invalid,
    429: TooManyRequests,
    431: HeadersTooLarge,
    503: Unavailable,
}


def error_from_problem(status: int, body: Mapping[str, Any] | None) -> KamldError:
    """Rebuild a :class:`KamldError` from a problem+json body another service sent."""
    body = dict(body or {})
    cls = _BY_STATUS.get(status, UpstreamError if status >= 500 else BadRequest)
    reserved = {"type", "title", "status", "detail", "code", "instance"}
    extra = {k: v for k, v in body.items() if k not in reserved}
    err = KamldError.__new__(cls)
    KamldError.__init__(err, body.get("detail") or cls.title, code=body.get("code") or cls.code, extra=extra)
    err.status = status if cls is not UpstreamError else 502
    return err


def problem_response(error: KamldError, instance: str | None = None) -> JSONResponse:
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(
        error.to_problem(instance), status_code=error.status, media_type=PROBLEM_JSON, headers=headers
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for item in exc.errors():
        errors.append(
            {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
        )
    return errors


def _validation_detail(errors: list[dict[str, Any]]) -> str:
    """One readable line naming each bad field: ``Invalid input: name (path): String should match …``."""
    if not errors:
        return "Invalid input"
    parts = []
    for error in errors[:5]:
        loc = [str(p) for p in error["loc"]]
        where = loc[0] if loc and loc[0] in ("body", "path", "query", "header", "cookie") else None
        field = ".".join(loc[1:] if where else loc) or (where or "request")
        parts.append(f"{field}{f' ({where})' if where and where != 'body' else ''}: {error['msg']}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid input: " + "; ".join(parts) + more


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path.

    Starlette's own ``Allow`` names only the first route matching the path, though ``GET`` and
    ``POST`` of one path are often two routes.
    """
    routes = request.app.router.routes
    return [
        method
        for method in HTTP_METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of ``app`` as problem+json: domain errors, 422s, HTTP errors and crashes."""

    @app.exception_handler(KamldError)
    async def _kamld_error(request: Request, exc: KamldError) -> JSONResponse:
        if exc.status >= 500:
            log.warning("request_failed", code=exc.code, detail=exc.detail, path=request.url.path)
        return problem_response(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        err = Invalid(_validation_detail(errors), code="validation_error", extra={"errors": errors})
        return problem_response(err, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        cls = _BY_STATUS.get(exc.status_code, KamldError)
        err = cls(str(exc.detail) if exc.detail else None, status=exc.status_code)
        if cls is KamldError:
            err.code = {405: "method_not_allowed", 406: "not_acceptable", 415: "unsupported_media_type"}.get(
                exc.status_code, f"http_{exc.status_code}"
            )
            err.title = str(exc.detail) if exc.detail else "HTTP error"
        response = problem_response(err, request.url.path)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        if exc.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(UnicodeEncodeError)
    async def _not_unicode(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        """JSON can spell a lone surrogate (``"\\ud800"``), which no UTF-8 encoder, database or peer
        accepts: text from the request that cannot be encoded is the client's mistake."""
        if exc.reason != "surrogates not allowed":
            return await _unexpected(request, exc)
        err = Invalid(
            f"the request holds text that is not valid Unicode: a lone surrogate "
            f"(\\u{ord(exc.object[exc.start]):04x})",
            code="invalid_unicode",
        )
        return problem_response(err, request.url.path)

    @app.exception_handler(ClientDisconnect)
    async def _client_gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        """The client left (or was cut off for stalling) while its body was read: nobody gets an
        answer, and a line without a traceback is all it is worth in the logs."""
        log.info("client_disconnected", path=request.url.path, method=request.method)
        return problem_response(BadRequest("the client disconnected", code="client_disconnected"))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
        return problem_response(KamldError("The server failed to handle this request."), request.url.path)
