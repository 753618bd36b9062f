"""Serve the Workbench's built assets at ``/``: hashed files under ``/assets/`` cached for a year,
any other page path answered with ``index.html`` (the single-page app routes it), never cached.

The catch-all never matches ``/api/`` paths, so an API path keeps its 404 or its 405 with the
``Allow`` of the API routes alone; nothing here needs a token (the pages hold no data).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.convertors import PathConvertor, register_url_convertor

from kamld_common.errors import NotFound

BUILT = Path(__file__).parent / "dist"
ASSETS = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class PagePathConvertor(PathConvertor):
    """Any path but ``api`` and what lies under it."""

    regex = r"(?!api(?:/|$)).*"


register_url_convertor("page", PagePathConvertor())

router = APIRouter(include_in_schema=False)


def web_root(request: Request) -> Path:
    configured = request.app.state.settings.web_dir
    return Path(configured) if configured else BUILT


@router.get("/{path:page}")
async def serve_web(path: str, request: Request) -> FileResponse:
    """A built file, or the app's ``index.html`` for a page path."""
    root = web_root(request).resolve()
    index = root / "index.html"
    if not index.is_file():
        raise NotFound(
            "the Workbench web UI is not built here: run make install (it builds frontend/workbench)",
            code="web_ui_not_built",
        )
    if path:
        candidate = (root / path).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            cache = IMMUTABLE if path.startswith(ASSETS) else "no-cache"
            headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
            return FileResponse(candidate, headers=headers)
        if path.startswith(ASSETS):
            raise NotFound(f"no asset {path!r} in this build of the Workbench", code="asset_not_found")
    return FileResponse(index, headers=PAGE_HEADERS)
