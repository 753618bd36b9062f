"""The browser fixture: Debian's Chromium through Playwright, with axe-core for accessibility."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

import pytest

from kamld_testing.browser import (
    accessibility_violations,
    chromium_path,
    describe_violations,
    new_page,
    page_errors,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    (root / "good.html").write_text(
        '<!doctype html><html lang="en"><head><title>ok</title></head>'
        "<body><main><h1>Hello</h1><button>Go</button></main></body></html>"
    )
    (root / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head>'
        '<body><main><img src="x.png"><button></button></main></body></html>'
    )

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_chromium_renders_a_served_page(chromium: Any, site: str) -> None:
    page = new_page(chromium, site)
    page.goto("/good.html")
    assert page.get_by_role("heading").inner_text() == "Hello"
    assert page.evaluate("navigator.userAgent").find("HeadlessChrome") >= 0
    assert not page_errors(page)
    page.context.close()


def test_axe_finds_serious_violations_and_passes_a_clean_page(chromium: Any, site: str) -> None:
    page = new_page(chromium, site)
    page.goto("/good.html")
    assert accessibility_violations(page) == []
    page.goto("/bad.html")
    found = {violation["id"] for violation in accessibility_violations(page)}
    assert {"image-alt", "button-name"} <= found, describe_violations(accessibility_violations(page))
    page.context.close()


def test_the_browser_is_the_distribution_chromium(chromium: Any) -> None:
    installed = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True, check=True)
    assert chromium.version in installed.stdout
