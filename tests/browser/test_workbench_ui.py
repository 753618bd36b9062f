"""The Workbench web UI in headless Chromium against a real ``kamld up``: the user story of the issue,
roles, refusals, accessibility, the initial JavaScript's size and a 10,000-artifact catalog.

One platform and one browser for the module. Screenshots of each main page go to the test's
temporary directory, or to ``docs/images/`` with ``KAMLD_UPDATE_SCREENSHOTS=1`` (how the committed
ones were made).
"""

from __future__ import annotations

import gzip
import sqlite3
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

import kamld
from kamld_testing.browser import (
    REPOSITORY,
    check_accessible,
    new_page,
    page_errors,
    signed_in,
)
from kamld_testing.platform import Platform, clean_environment, running_platform

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CATALOG_SIZE = 10_000
WRITE_PARQUET = REPOSITORY / "frontend" / "workbench" / "scripts" / "write-parquet.mjs"


def png(width: int, height: int, seed: int) -> bytes:
    """A real PNG (8-bit RGB) the browser can decode, a different pattern for every seed."""
    raw = b"".join(
        b"\x00"
        + b"".join(
            bytes(((x * 9 + seed * 40) % 256, (y * 7 + seed * 90) % 256, ((x ^ y) * 5 + seed * 20) % 256))
            for x in range(width)
        )
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def faces_csv(count: int) -> bytes:
    lines = ["image,person,quality"] + [f"images/{i:03d}.png,person{i % 7},{i % 5}" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def parquet(path: Path, rows: int) -> bytes:
    subprocess.run(["node", str(WRITE_PARQUET), str(path), str(rows)], check=True, timeout=60)
    return path.read_bytes()


class Story:
    """The platform with the issue's data: ``myawesomedata`` v1 and v2, ``faces-model`` trained on
    each, ``production`` at v1; and one token per role."""

    def __init__(self, platform: Platform, root: Path) -> None:
        self.platform = platform
        with kamld.Client(platform.gateway, platform.token) as admin:
            self.editor = admin.token_create("alice", "editor").token
            self.viewer = admin.token_create("bob", "viewer").token
        self.admin = platform.token
        stats = parquet(root / "stats.parquet", 40)
        common = {"README.md": b"# myawesomedata\n\nFaces of *seven* people.\n", "stats.parquet": stats}
        v1 = {
            "faces.csv": faces_csv(6),
            **{f"images/{i:03d}.png": png(48, 48, i) for i in range(6)},
            **common,
        }
        v2 = dict(v1)
        del v2["images/002.png"]
        v2 |= {"faces.csv": faces_csv(9), **{f"images/{i:03d}.png": png(48, 48, i) for i in range(6, 9)}}
        with kamld.Client(platform.gateway, self.editor) as editor:
            editor.push(
                write_tree(root / "d1", v1),
                "myawesomedata",
                "raw faces",
                kind="dataset",
                labels={"team": "vision"},
            )
            editor.push(write_tree(root / "d2", v2), "myawesomedata", "cleaned, three more people")
            model = {"model.json": b'{"layers": 3}', "metrics.json": b'{"accuracy": 0.91}'}
            editor.push(
                write_tree(root / "m1", model),
                "faces-model",
                "baseline",
                kind="model",
                inputs=[("myawesomedata:v1", "trained_on")],
            )
            model2 = {"model.json": b'{"layers": 4}', "metrics.json": b'{"accuracy": 0.95}'}
            editor.push(
                write_tree(root / "m2", model2),
                "faces-model",
                "deeper",
                kind="model",
                inputs=[("myawesomedata:v2", "trained_on")],
            )
            editor.alias_set("faces-model", "production", "v1")


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    home = tmp_path_factory.mktemp("workbench-home")
    with running_platform(home, clean_environment(), database="sqlite") as platform:
        yield Story(platform, tmp_path_factory.mktemp("workbench-data"))


def test_editor_story_from_catalog_to_moving_production(chromium: Any, story: Story, shots: Path) -> None:
    page = new_page(chromium, story.platform.gateway)
    page.goto("/")
    check_accessible(page, "sign-in")
    page.screenshot(path=shots / "workbench-sign-in.png")
    page.get_by_label("API token").fill(story.editor)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    # The browser holds a session cookie it cannot read, and no token anywhere the page can.
    assert "kamld_session" not in page.evaluate("document.cookie")
    stored = page.evaluate("JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
    assert story.editor not in stored
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["kamld_session"]["httpOnly"] and cookies["kamld_session"]["sameSite"] == "Strict"

    # Find myawesomedata in the catalog.
    page.get_by_label("Name").fill("awesome")
    page.get_by_role("link", name="myawesomedata", exact=True).click()
    page.get_by_role("heading", name="myawesomedata").wait_for()
    check_accessible(page, "artifact")
    page.screenshot(path=shots / "workbench-artifact.png", full_page=True)

    # Open v2: thumbnails, the CSV, the Parquet file and the README previewed.
    page.get_by_role("table").get_by_role("link", name="v2", exact=True).click()
    page.get_by_role("heading", name="myawesomedata:v2").wait_for()
    thumbs = page.get_by_role("list", name="Image thumbnails").get_by_role("img")
    thumbs.first.wait_for()
    assert thumbs.count() == 8
    page.wait_for_function(
        "() => [...document.querySelectorAll('.thumbs img')].every(i => i.complete && i.naturalWidth === 48)"
    )
    page.get_by_role("button", name="faces.csv").click()
    table = page.get_by_test_id("preview-table")
    table.wait_for()
    assert table.locator("th").all_inner_texts() == ["image", "person", "quality"]
    assert table.locator("tbody tr").count() == 9
    assert table.locator("tbody tr").first.locator("td").all_inner_texts() == [
        "images/000.png",
        "person0",
        "0",
    ]
    page.screenshot(path=shots / "workbench-version.png", full_page=True)
    page.get_by_role("button", name="stats.parquet").click()
    page.get_by_text("First 20 of 40 rows").wait_for()
    assert page.get_by_test_id("preview-table").locator("th").all_inner_texts() == ["id", "person", "score"]
    page.get_by_role("button", name="README.md").click()
    page.locator(".markdown h1", has_text="myawesomedata").wait_for()
    page.get_by_role("list", name="Image thumbnails").get_by_role("button").first.click()
    page.wait_for_function("() => document.querySelector('.preview-image')?.naturalWidth === 48")
    check_accessible(page, "version")
    download = page.get_by_role("link", name="Download faces.csv")
    assert download.get_attribute("href") == "/api/v1/artifacts/myawesomedata/versions/v2/files/faces.csv"

    # Diff v1 -> v2.
    page.get_by_role("link", name="Diff with v1").click()
    changes = page.get_by_role("table", name="Changed files")
    changes.wait_for()
    rows = {tuple(r.locator("td").all_inner_texts()[:2]) for r in changes.locator("tbody tr").all()}
    assert ("removed", "images/002.png") in rows and ("modified", "faces.csv") in rows
    assert {("added", f"images/{i:03d}.png") for i in range(6, 9)} <= rows
    check_accessible(page, "diff")
    page.screenshot(path=shots / "workbench-diff.png", full_page=True)

    # Lineage of faces-model:production, click through to the dataset.
    page.goto("/artifacts/faces-model/versions/production/lineage")
    node = page.locator(".react-flow__node", has_text="myawesomedata:v1")
    node.wait_for()
    assert page.locator(".react-flow__edge").count() >= 1
    page.get_by_text("trained_on").first.wait_for()
    page.screenshot(path=shots / "workbench-lineage.png")
    check_accessible(page, "lineage")
    node.click()
    page.get_by_role("heading", name="myawesomedata:v1").wait_for()
    assert page.url.endswith("/artifacts/myawesomedata/versions/v1")

    # Move production to v2 (compare-and-set) and see it in the alias history.
    page.goto("/artifacts/faces-model")
    form = page.get_by_role("form", name="Move an alias")
    assert form.get_by_label("Alias").input_value() == "production"
    form.get_by_label("To version").select_option("v2")
    form.get_by_role("button", name="Move production").click()
    page.get_by_text("production now points at v2").wait_for()
    page.get_by_text("History of production").click()
    history = page.get_by_role("list", name="History of production")
    history.get_by_text("moved it from v1 to v2").wait_for()
    assert "alice" in history.inner_text()

    # Someone else moves it meanwhile: the stale move is refused and explained.
    with kamld.Client(story.platform.gateway, story.admin) as admin:
        admin.alias_set("faces-model", "production", "v1")
    form.get_by_label("To version").select_option("v2")
    form.get_by_role("button", name="Move production").click()
    alert = form.get_by_role("alert")
    alert.wait_for()
    assert "someone else moved production" in alert.inner_text()
    assert "points at faces-model:v1 now, not v2" in alert.inner_text()
    assert not page_errors(page)
    page.context.close()


def test_viewer_sees_no_mutation_buttons(chromium: Any, story: Story) -> None:
    page = signed_in(chromium, story.platform.gateway, story.viewer)
    page.goto("/artifacts/faces-model")
    page.get_by_role("heading", name="Aliases").wait_for()
    page.get_by_text("production →").wait_for()
    assert page.get_by_role("form", name="Move an alias").count() == 0
    assert page.get_by_role("button", name="Move production").count() == 0
    assert page.get_by_role("button", name="Edit description and labels").count() == 0
    assert page.get_by_role("link", name="Tokens").count() == 0
    page.goto("/tokens")
    assert "needs the admin role" in page.get_by_role("alert").inner_text()
    page.context.close()


def test_a_wrong_token_is_refused_with_the_problem_detail(chromium: Any, story: Story) -> None:
    page = new_page(chromium, story.platform.gateway)
    page.goto("/")
    page.get_by_label("API token").fill("kamld_not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    assert "the API token is unknown or was revoked" in page.get_by_role("alert").inner_text()
    assert not [c for c in page.context.cookies() if c["name"] == "kamld_session"]
    page.context.close()


def test_admin_pages_status_and_tokens(chromium: Any, story: Story, shots: Path) -> None:
    page = signed_in(chromium, story.platform.gateway, story.admin)
    page.get_by_role("link", name="Status").click()
    services = page.get_by_role("table", name="Services")
    services.wait_for()
    assert "workbench-api" in services.inner_text() and "metadata-hub" in services.inner_text()
    check_accessible(page, "status")
    page.screenshot(path=shots / "workbench-status.png", full_page=True)
    page.get_by_role("link", name="Tokens").click()
    page.get_by_role("table", name="Tokens").get_by_text("alice").wait_for()
    form = page.get_by_role("form", name="Create a token")
    form.get_by_label("Name").fill("carol")
    form.get_by_label("Role").select_option("viewer")
    form.get_by_role("button", name="Create token").click()
    page.get_by_text("Copy its secret now").wait_for()
    secret = page.locator(".card.ok code").inner_text()
    with httpx.Client(
        base_url=story.platform.gateway, headers={"Authorization": f"Bearer {secret}"}
    ) as carol:
        assert carol.get("/api/v1/me").json() == {"name": "carol", "role": "viewer"}
    check_accessible(page, "tokens")
    page.screenshot(path=shots / "workbench-tokens.png", full_page=True)
    page.context.close()


def test_a_narrow_window_keeps_the_pages_usable(chromium: Any, story: Story) -> None:
    page = signed_in(chromium, story.platform.gateway, story.editor, viewport={"width": 390, "height": 800})
    page.goto("/artifacts/myawesomedata/versions/v2")
    page.get_by_role("heading", name="myawesomedata:v2").wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    # Keyboard only: the skip link, then the first link of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.context.close()


def initial_javascript_gzip_bytes(chromium: Any, story: Story) -> tuple[int, list[str]]:
    """The gzipped bytes of every script the catalog loads, signed in, on a first visit."""
    page = signed_in(chromium, story.platform.gateway, story.viewer)
    scripts: dict[str, bytes] = {}
    page.on("response", lambda r: r.url.endswith(".js") and scripts.setdefault(r.url, r.body()))
    page.goto("/")
    page.get_by_role("table", name="Artifacts").wait_for()
    page.wait_for_load_state("networkidle")
    page.context.close()
    return sum(len(gzip.compress(body, 9)) for body in scripts.values()), sorted(scripts)


def test_initial_javascript_is_small_and_lineage_is_lazy(chromium: Any, story: Story) -> None:
    size, urls = initial_javascript_gzip_bytes(chromium, story)
    print(f"\nworkbench initial JavaScript: {size / 1024:.1f} KiB gzipped in {len(urls)} files")
    assert size < 400 * 1024
    assert not [url for url in urls if "Lineage" in url]


def seed_artifacts(platform: Platform, count: int) -> None:
    """``count`` artifacts written straight into metadata-hub's SQLite catalog, in one transaction:
    through the API they take minutes on two cores, and what is measured here is the UI reading
    them back through the public API."""
    database = platform.home / "metadata-hub" / "db.sqlite3"
    with closing(sqlite3.connect(database)) as db, db:
        created_at, created_by = db.execute("SELECT created_at, created_by FROM artifacts LIMIT 1").fetchone()
        db.executemany(
            "INSERT INTO artifacts (name, kind, description, created_at, created_by, updated_at, archived,"
            " next_number, generation) VALUES (?, ?, '', ?, ?, ?, 0, 1, 0)",
            [
                (f"bulk-{i:05d}", ("dataset", "model", "code")[i % 3], created_at, created_by, created_at)
                for i in range(count)
            ],
        )
        db.execute(
            "INSERT INTO artifact_labels (artifact_id, key, value) SELECT id, 'shard', substr(name, -1) "
            "FROM artifacts WHERE name LIKE 'bulk-%'"
        )


def test_a_catalog_of_ten_thousand_artifacts_stays_interactive(
    chromium: Any, story: Story, shots: Path
) -> None:
    seed_artifacts(story.platform, CATALOG_SIZE)
    page = signed_in(chromium, story.platform.gateway, story.viewer)
    page.goto("/status")
    page.get_by_role("table", name="Services").wait_for()

    clicked = time.monotonic()
    page.get_by_role("link", name="Catalog").click()
    page.get_by_role("link", name="bulk-00000", exact=True).wait_for()
    first_rows = time.monotonic() - clicked
    page.get_by_label("Name").fill("bulk-00042")
    page.get_by_role("link", name="bulk-00042", exact=True).wait_for()
    filtered = time.monotonic() - clicked
    counter = page.get_by_test_id("catalog-count")
    page.wait_for_function(
        "n => document.querySelector('[data-testid=catalog-count]').textContent.startsWith(n)",
        arg="1 artifact",
    )
    page.get_by_label("Name").fill("")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=catalog-count]').textContent.includes('loading')",
        timeout=60_000,
    )
    loaded_all = time.monotonic() - clicked
    assert counter.inner_text().startswith(f"{CATALOG_SIZE + 2:,} artifacts")
    rendered_rows = page.locator(".catalog .tbody [role=row]").count()
    assert rendered_rows < 100  # virtualized: only what is on screen
    scroll_started = time.monotonic()
    page.get_by_test_id("catalog-scroller").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    page.get_by_role("link", name=f"bulk-{CATALOG_SIZE - 1:05d}", exact=True).wait_for()
    scrolled = time.monotonic() - scroll_started
    page.get_by_test_id("catalog-scroller").evaluate("el => { el.scrollTop = 0; }")
    page.get_by_role("link", name="bulk-00000", exact=True).wait_for()
    check_accessible(page, "catalog")
    page.screenshot(path=shots / "workbench-catalog.png")
    loading = time.monotonic()
    page.goto("/")
    page.get_by_role("link", name="bulk-00000", exact=True).wait_for()
    page_load = time.monotonic() - loading
    first_call = page.evaluate(
        "() => performance.getEntriesByType('resource').find(e => e.name.includes('/api/v1/artifacts?'))"
        "?.duration ?? -1"
    )
    print(
        f"catalog of {CATALOG_SIZE:,} artifacts: first rows {first_rows * 1000:.0f} ms after the click, "
        f"a name filter answered {filtered * 1000:.0f} ms after it, all pages loaded after "
        f"{loaded_all * 1000:.0f} ms, scrolled to the end in {scrolled * 1000:.0f} ms, "
        f"{rendered_rows} rows in the DOM; first rows {page_load * 1000:.0f} ms after a full page load, "
        f"of which the first page's API call took {first_call:.0f} ms"
    )
    assert not page_errors(page)
    page.context.close()
