"""``/healthz`` (the process is alive) and ``/readyz`` (every dependency answers).

A failing readiness check answers 503 problem+json whose ``detail`` and ``checks`` name the
dependency that is down, so an operator sees *what* to fix, not just that something is wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kamld_common.errors import Unavailable, problem_response

ReadinessCheck = Callable[[], Awaitable[None]]

router = APIRouter(tags=["health"])


async def _run(name: str, check: ReadinessCheck, limit_s: float) -> tuple[str, str | None]:
    try:
        async with asyncio.timeout(limit_s):
            await check()
        return name, None
    except TimeoutError:
        return name, f"no answer within {limit_s:g}s"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
        detail = getattr(exc, "detail", None) or type(exc).__name__
        return name, str(detail)


@router.get("/healthz", summary="Liveness", operation_id="getHealth")
async def healthz(request: Request) -> dict[str, str]:
    """Answers as long as the process serves requests."""
    info = request.app.state.service_info
    return {"status": "ok", "service": info["service"], "version": info["version"]}


@router.get(
    "/readyz",
    summary="Readiness",
    responses={503: {"description": "A dependency is down"}},
    operation_id="getReadiness",
)
async def readyz(request: Request) -> JSONResponse:
    """Checks every dependency of this service; 503 names those that are down."""
    info = request.app.state.service_info
    checks: dict[str, ReadinessCheck] = request.app.state.readiness
    results = await asyncio.gather(*(_run(name, check, 3.0) for name, check in checks.items()))
    failed = {name: err for name, err in results if err is not None}
    status = {name: ("ok" if err is None else f"down: {err}") for name, err in results}
    if failed:
        names = ", ".join(sorted(failed))
        error = Unavailable(
            f"not ready: {names} {'is' if len(failed) == 1 else 'are'} down",
            code="not_ready",
            extra={"service": info["service"], "checks": status},
        )
        return problem_response(error, request.url.path)
    return JSONResponse(
        {"status": "ready", "service": info["service"], "version": info["version"], "checks": status}
    )
