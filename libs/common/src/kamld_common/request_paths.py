"""Refusing request URLs whose path means something other than what it says.

The HTTP server decodes a percent-encoded path leniently (invalid UTF-8 becomes U+FFFD, so ``a%FFb``
and ``a%FEb`` would name one file), and the HTTP client a service calls its peers with resolves
``.`` and ``..`` segments (``files/a/../b`` would reach ``files/b``, ``versions/..`` the artifact).
Every service therefore refuses, with a 422 naming the path, a path or query string that is not
valid UTF-8 once percent-decoded (overlong forms and surrogates included, which Python's strict
decoder rejects) and a path with a ``.`` or ``..`` segment, plain or encoded (``%2e%2e``).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from kamld_common.errors import Invalid, problem_response

DOT_SEGMENTS = frozenset({".", ".."})


def path_problem(raw_path: bytes) -> str | None:
    """Why ``raw_path`` (as sent, percent-encoded) is refused, or None when it is fine."""
    if b"%" not in raw_path and b"/." not in raw_path and raw_path.isascii():
        return None
    try:
        decoded = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return "is not valid UTF-8 once percent-decoded"
    if any(segment in DOT_SEGMENTS for segment in decoded.split("/")):
        return "has a '.' or '..' segment, which clients and proxies resolve away"
    return None


def query_problem(query: bytes) -> str | None:
    """Why a raw query string is refused, or None when it is fine."""
    if b"%" not in query and query.isascii():
        return None
    try:
        unquote_to_bytes(query.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return "is not valid UTF-8 once percent-decoded"
    return None


def shown(raw: bytes) -> str:
    """A refused path or query as the client sent it, safe to print."""
    return raw[:300].decode("ascii", errors="backslashreplace")


class PathCheckMiddleware:
    """Answer 422 (problem+json) to a request whose path or query string :func:`path_problem` or
    :func:`query_problem` refuses, before any route sees it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            query = scope.get("query_string") or b""
            error = None
            if reason := path_problem(raw_path):
                error = Invalid(f"path {shown(raw_path)!r} {reason}", field=["path"], code="invalid_path")
            elif reason := query_problem(query):
                error = Invalid(f"query {shown(query)!r} {reason}", field=["query"], code="invalid_query")
            if error is not None:
                await problem_response(error, shown(raw_path))(scope, receive, send)
                return
        await self.app(scope, receive, send)
