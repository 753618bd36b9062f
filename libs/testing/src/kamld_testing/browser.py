"""Headless Chromium from the distribution's package, driven by Playwright, for browser tests.

Playwright's own browser downloads are never used: the tests launch ``/usr/bin/chromium`` (Debian's
``chromium``, which ``make install`` installs when missing; ``KAMLD_TEST_CHROMIUM`` names another).
One browser per test module (the ``chromium`` fixture); each test opens its own context, so
cookies never leak between tests.

    def test_page(chromium):
        page = new_page(chromium, base_url)
        page.goto("/")
        assert not serious_accessibility_violations(page)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)
REPOSITORY = Path(__file__).resolve().parents[4]
AXE_SCRIPT = REPOSITORY / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str:
    return os.environ.get("KAMLD_TEST_CHROMIUM", CHROMIUM)


def chromium_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    path = chromium_path()
    if not (os.access(path, os.X_OK) or shutil.which(path)):
        return f"no Chromium at {path} (apt-get install chromium, or set KAMLD_TEST_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make install)"
    return None


@contextmanager
def running_chromium() -> Iterator[Browser]:
    """A headless Chromium for the ``with`` block, closed after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser, base_url: str, **context_options: Any) -> Page:
    """A page in a fresh context (its own cookies) whose relative ``goto`` paths start at ``base_url``.

    Uncaught page errors are collected for tests to check (:func:`page_errors`).
    """
    options: dict[str, Any] = {"base_url": base_url, "viewport": {"width": 1280, "height": 800}}
    context = browser.new_context(**(options | context_options))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    setattr(page, "kamld_errors", errors)  # noqa: B010
    return page


SERIOUS = frozenset({"serious", "critical"})


def page_errors(page: Page) -> list[str]:
    """The uncaught errors of a page opened by :func:`new_page`, so far."""
    errors: list[str] = getattr(page, "kamld_errors", [])
    return errors


def accessibility_violations(page: Page, impacts: frozenset[str] = SERIOUS) -> list[Any]:
    """axe-core's violations of the page as it is now, of the given impacts (serious and critical)."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run make install (npm ci installs axe-core)")
    # Evaluated by the devtools protocol, which a page's Content-Security-Policy does not restrict
    # (a <script> tag would be refused by a strict policy such as the Workbench's).
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text() + "\n;window.axe = axe; 0")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in result["violations"] if violation.get("impact") in impacts]


def describe_violations(violations: list[Any]) -> str:
    """axe-core violations as lines a failing assertion can show."""
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


def signed_in(browser: Browser, base_url: str, token: str, **context_options: Any) -> Page:
    """A fresh page signed in to the Workbench at ``base_url`` with an API token, as a person would."""
    page = new_page(browser, base_url, **context_options)
    page.goto("/")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for()
    return page


def check_accessible(page: Page, where: str) -> None:
    """Fail naming ``where`` when axe-core finds serious or critical violations on the page."""
    violations = accessibility_violations(page)
    assert not violations, f"{where}:\n{describe_violations(violations)}"
