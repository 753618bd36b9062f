"""What the gateway's pure ASGI middlewares need to turn a request away on its headers alone."""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

from kamld_common.errors import KamldError, problem_response


def announced_body(scope: Scope) -> tuple[bool, int | None]:
    """Whether the request has a body, and its declared length (None when chunked)."""
    has_body, length = False, None
    for name, value in scope["headers"]:
        if name == b"content-length":
            has_body = True
            try:
                length = int(value)
            except ValueError:
                length = -1
        elif name == b"transfer-encoding":
            has_body = True
    return has_body, length


async def refuse(
    error: KamldError,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    close: bool = True,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer ``error``; with ``close``, close the connection too, leaving any body unread."""
    response = problem_response(error, scope["path"])
    response.headers.update(headers or {})
    if close:
        response.headers["connection"] = "close"
    await response(scope, receive, send)
