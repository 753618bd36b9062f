"""The web UI's assets at ``/``: hashed assets cached for good, page paths answered with the app,
unknown API paths still 404 problems, no token needed, a clear problem when it was not built."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from kamld_workbench_api.app import create_app
from kamld_workbench_api.config import Settings

INDEX = (
    b'<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head></html>'
)


def client_for(web_dir: Path, tmp_path: Path) -> httpx.AsyncClient:
    settings = Settings(data_dir=tmp_path / "data", web_dir=web_dir, internal_token="i" * 40)
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://workbench")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_bytes(INDEX)
    (web / "assets" / "app-1a2b3c.js").write_text("console.log('app')")
    return web


async def test_index_and_page_paths_answer_the_app_uncached_with_a_csp(built: Path, tmp_path: Path) -> None:
    async with client_for(built, tmp_path) as client:
        for path in ("/", "/artifacts/faces/versions/v2", "/status"):
            answer = await client.get(path)
            assert answer.status_code == 200 and answer.content == INDEX, path
            assert answer.headers["cache-control"] == "no-cache"
            assert "default-src 'self'" in answer.headers["content-security-policy"]


async def test_hashed_assets_are_cached_for_a_year(built: Path, tmp_path: Path) -> None:
    async with client_for(built, tmp_path) as client:
        answer = await client.get("/assets/app-1a2b3c.js")
        missing = await client.get("/assets/app-000000.js")
    assert answer.status_code == 200 and "immutable" in answer.headers["cache-control"]
    assert answer.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert missing.status_code == 404 and missing.json()["code"] == "asset_not_found"


async def test_unknown_api_paths_stay_problems_and_paths_cannot_escape(built: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("no")
    async with client_for(built, tmp_path) as client:
        api = await client.get("/api/v1/nothing-here")
        escape = await client.get("/..%2Fsecret.txt")
    assert api.status_code in (401, 404)
    assert api.headers["content-type"].startswith("application/problem+json")
    assert escape.status_code in (200, 422) and escape.content != b"no"


async def test_an_unbuilt_ui_is_a_problem_saying_how_to_build_it(tmp_path: Path) -> None:
    async with client_for(tmp_path / "empty", tmp_path) as client:
        answer = await client.get("/")
    assert answer.status_code == 404
    assert answer.json()["code"] == "web_ui_not_built" and "make install" in answer.json()["detail"]
