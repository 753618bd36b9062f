"""Reading request bodies with a size limit, so an oversized request is refused, not buffered."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request

from kamld_common.errors import Invalid, PayloadTooLarge


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the request body is larger than {limit} bytes",
        code="body_too_large",
        extra={
            "limit": limit,
            "errors": [{"loc": ["body"], "msg": "body too large", "type": "body_too_large"}],
        },
    )


def check_declared_length(request: Request, limit: int) -> int | None:
    """The body's declared length (None when it is sent chunked); 413 above ``limit``."""
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    try:
        length = int(declared)
    except ValueError:
        raise Invalid("Content-Length is not a number", field=["header", "content-length"]) from None
    if length > limit:
        raise _too_large(limit)
    return length


def held_length(request: Request, limit: int) -> int:
    """What receiving the body may hold in memory: its declared length, or ``limit`` when unknown."""
    declared = check_declared_length(request, limit)
    return limit if declared is None else declared


async def limited_stream(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body as it arrives; raises 413 as soon as more than ``limit`` bytes came."""
    check_declared_length(request, limit)
    received = 0
    async for block in request.stream():
        received += len(block)
        if received > limit:
            raise _too_large(limit)
        if block:
            yield block


async def read_limited(request: Request, limit: int) -> bytes:
    return b"".join([block async for block in limited_stream(request, limit)])
