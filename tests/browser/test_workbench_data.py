"""The Workbench's data pages in headless Chromium against a real ``kamld up``: search (by a column
and by a file path), a version's profile, SQL over a version's table, and promotion gates on the
artifact page (every refusal listed, an admin's override recorded in the alias history).

One platform and one browser for the module. Screenshots go to the test's temporary directory, or to
``docs/images/`` with ``KAMLD_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import struct
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import kamld
from kamld_testing.browser import (
    check_accessible,
    page_errors,
    signed_in,
)
from kamld_testing.platform import Platform, clean_environment, running_platform

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SHAPES = ["square", "circle", "triangle"]
ROWS = [(SHAPES[i % 3], i * 3, i * 0.5) for i in range(12)]
# metadata-hub profiles a table over SAMPLE_BYTES on its first SAMPLE_ROWS rows (readings.csv).
SAMPLE_BYTES, SAMPLE_ROWS = 4096, 50
# A model's files and ONNX signature as a push records them (`metadata.model`, docs/trainer.md).
MODEL = {
    "formats": ["onnx"],
    "files": [{"path": "model.onnx", "format": "onnx"}],
    "signature": {
        "inputs": [{"name": "X", "type": "float", "shape": ["batch", 2]}],
        "outputs": [{"name": "label", "type": "int64", "shape": [None]}],
    },
}
IMAGES = {
    "images/square-01.png": (16, 16),
    "images/square-02.png": (32, 16),
    "images/circle-01.png": (48, 48),
}


def png(width: int, height: int) -> bytes:
    """A real PNG (8-bit RGB, black) of this size."""
    raw = b"".join(b"\x00" + bytes(3 * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def measurements_csv() -> bytes:
    lines = ["shape,wingspan,weight"] + [f"{shape},{span},{weight}" for shape, span, weight in ROWS]
    return ("\n".join(lines) + "\n").encode()


def readings_csv() -> bytes:
    """A table over the module's profile size limit (SAMPLE_BYTES), so it is profiled on a sample."""
    lines = ["reading,value"] + [f"{i},{i * 1.5}" for i in range(600)]
    return ("\n".join(lines) + "\n").encode()


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def eventually(check: Any, what: str, timeout_s: float = 90.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} in time")
        time.sleep(0.3)


class Data:
    """``shapes:v1`` (a CSV and three PNGs), indexed and profiled; ``shape-model`` v1 and v2 with a
    promotion policy on ``production`` (at v1) that v2 fails twice; one token per role."""

    def __init__(self, platform: Platform, root: Path) -> None:
        self.platform = platform
        self.admin = platform.token
        with kamld.Client(platform.gateway, platform.token) as admin:
            self.editor = admin.token_create("alice", "editor").token
            self.viewer = admin.token_create("bob", "viewer").token
            files = {"measurements.csv": measurements_csv(), "readings.csv": readings_csv()}
            files |= {p: png(w, h) for p, (w, h) in IMAGES.items()}
            admin.push(write_tree(root / "shapes", files), "shapes", "three shapes", kind="dataset")
            admin.push(
                write_tree(root / "m1", {"model.json": b'{"depth": 1}'}),
                "shape-model",
                "baseline",
                kind="model",
                metadata={"metrics": {"accuracy": 0.9}, "review": {"approved": True}, "model": MODEL},
            )
            admin.push(
                write_tree(root / "m2", {"model.json": b'{"depth": 2}'}),
                "shape-model",
                "worse",
                kind="model",
                metadata={"metrics": {"accuracy": 0.6}},
            )
            admin.alias_set("shape-model", "production", "v1")
            admin.alias_policy_set(
                "shape-model",
                "production",
                [
                    {"rule": "metric_not_worse", "metric": "accuracy", "direction": "max"},
                    {"rule": "requires_metadata", "key": "review.approved", "value": True},
                ],
            )
        self.http = httpx.Client(
            base_url=platform.gateway, headers={"Authorization": f"Bearer {self.admin}"}, timeout=30
        )
        # Indexed (the column and the file path are searchable) and profiled.
        eventually(lambda: self.search(q="wingspan", type="column"), "indexed")
        eventually(lambda: self.search(q="images/square-01.png", type="file"), "indexed")
        eventually(
            lambda: self.http.get("/api/v1/artifacts/shapes/versions/v1/profile").json()["status"] == "done",
            "profiled",
        )

    def search(self, **params: Any) -> list[dict[str, Any]]:
        answer = self.http.get("/api/v1/search", params=params)
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        return items


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Data]:
    home = tmp_path_factory.mktemp("workbench-data-home")
    env = clean_environment() | {
        "KAMLD_METADATA_HUB_PROFILE_MAX_BYTES": str(SAMPLE_BYTES),
        "KAMLD_METADATA_HUB_PROFILE_SAMPLE_ROWS": str(SAMPLE_ROWS),
    }
    with running_platform(home, env, database="sqlite") as platform:
        story = Data(platform, tmp_path_factory.mktemp("workbench-data-files"))
        try:
            yield story
        finally:
            story.http.close()


def test_search_finds_a_column_and_a_file_path_and_opens_the_version(
    chromium: Any, data: Data, shots: Path
) -> None:
    page = signed_in(chromium, data.platform.gateway, data.viewer)
    box = page.get_by_label("Search artifacts, versions, files and columns")
    box.fill("wingspan")
    box.press("Enter")
    results = page.get_by_role("list", name="Search results")
    hit = results.get_by_role("listitem").filter(has_text="column").filter(has_text="wingspan").first
    hit.wait_for()
    assert "in the table measurements.csv" in hit.inner_text()
    assert hit.locator("mark").first.inner_text() == "wingspan"
    assert "/search?q=wingspan" in page.url
    check_accessible(page, "search")
    hit.get_by_role("link", name="wingspan", exact=True).click()
    page.get_by_role("heading", name="shapes:v1").wait_for()
    assert page.url.endswith("/artifacts/shapes/versions/v1")

    # By a file path, narrowed to files with the type filter.
    page.goto("/search?q=images/square-01.png")
    results.wait_for()
    page.get_by_label("Type").select_option("file")
    page.wait_for_url("**type=file**")
    first = results.get_by_role("listitem").first
    first.get_by_role("link", name="images/square-01.png", exact=True).wait_for()
    assert "file path" in first.inner_text()
    assert first.locator("mark").all_inner_texts()[:2] == ["images", "square"]
    assert "match" in page.get_by_test_id("search-total").inner_text()
    page.screenshot(path=shots / "workbench-search.png", full_page=True)
    first.get_by_role("link", name="images/square-01.png", exact=True).click()
    page.get_by_role("heading", name="shapes:v1").wait_for()

    # A query the engine refuses shows the problem's detail.
    page.goto('/search?q="unclosed')
    detail = data.http.get("/api/v1/search", params={"q": '"unclosed'}).json()["detail"]
    assert page.get_by_role("alert").inner_text() == detail
    assert not page_errors(page)
    page.context.close()


def test_the_profile_shows_the_columns_rows_and_images(chromium: Any, data: Data, shots: Path) -> None:
    page = signed_in(chromium, data.platform.gateway, data.viewer)
    page.goto("/artifacts/shapes/versions/v1")
    columns = page.get_by_role("table", name="Columns of measurements.csv")
    columns.wait_for()
    assert columns.locator("tbody th").all_inner_texts() == ["shape", "wingspan", "weight"]
    profile = page.get_by_role("region", name="Profile of measurements.csv")
    assert f"{len(ROWS)} rows · 3 columns" in profile.get_by_test_id("profile-rows").inner_text()
    wingspan = columns.locator("tbody tr", has=page.locator("th", has_text="wingspan"))
    spans = [span for _, span, _ in ROWS]
    assert f"{min(spans)} … {max(spans)}" in wingspan.inner_text()
    assert wingspan.get_by_role("img", name="Histogram of wingspan").locator("rect").count() == 10
    shape = columns.locator("tbody tr", has=page.locator("th", has_text="shape"))
    assert set(shape.get_by_role("list").locator("li").all_inner_texts()) == set(SHAPES)
    # A table over the size limit is marked as profiled on a sample, with the reason.
    sampled = page.get_by_role("region", name="Profile of readings.csv")
    sampled.get_by_text("profiled on a sample").wait_for()
    assert f"{SAMPLE_ROWS} rows · 2 columns" in sampled.get_by_test_id("profile-rows").inner_text()
    assert f"profiled on its first {SAMPLE_ROWS} rows" in sampled.inner_text()
    images = page.get_by_role("region", name="Image statistics")
    assert "3 images" in images.get_by_test_id("profile-images").inner_text()
    assert images.get_by_role("table", name="Images by format").locator("tbody td").all_inner_texts() == [
        "png",
        "3",
    ]
    widths = images.get_by_role("table", name="Image dimensions").locator("tbody tr").first
    assert widths.locator("td").all_inner_texts() == ["16", "32", "32", "48"]
    check_accessible(page, "profile")
    page.get_by_role("region", name="Profile", exact=True).screenshot(path=shots / "workbench-profile.png")
    assert not page_errors(page)
    page.context.close()


def test_a_viewer_queries_a_version_table(chromium: Any, data: Data, shots: Path) -> None:
    page = signed_in(chromium, data.platform.gateway, data.viewer)
    page.goto("/artifacts/shapes/versions/v1")
    page.get_by_role("link", name="Query measurements.csv", exact=True).click()
    sql = page.get_by_label("SQL", exact=True)
    assert sql.input_value() == "SELECT * FROM 'shapes:v1/measurements.csv' LIMIT 100"
    sql.fill(
        "SELECT shape, count(*) AS n, sum(wingspan) AS total FROM 'shapes:v1/measurements.csv' "
        "GROUP BY shape ORDER BY shape"
    )
    sql.press("Control+Enter")
    rows = page.get_by_role("table", name="Query rows")
    rows.wait_for()
    assert rows.locator("th").all_inner_texts() == ["shape", "n", "total"]
    expected: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for shape, span, _ in ROWS:
        expected[shape] += 1
        totals[shape] += span
    got = [r.locator("td").all_inner_texts() for r in rows.locator("tbody tr").all()]
    assert got == [[shape, str(expected[shape]), str(totals[shape])] for shape in sorted(SHAPES)]
    read = page.get_by_test_id("query-versions")
    assert "shapes:v1/measurements.csv as shapes:v1 (csv, 1 file)" in read.inner_text()
    check_accessible(page, "query")
    page.screenshot(path=shots / "workbench-query.png", full_page=True)

    # The answer comes a page of 100 rows at a time.
    sql.fill("SELECT range AS n FROM range(250) ORDER BY n")
    page.get_by_role("button", name="Run").click()
    count = page.get_by_test_id("query-count")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=query-count]')?.textContent.startsWith('Rows 1–100')"
    )
    assert "more follow" in count.inner_text()
    page.get_by_role("button", name="Next page").click()
    page.get_by_text("Rows 101–200, more follow").wait_for()
    assert rows.locator("tbody tr").first.locator("td").inner_text() == "100"
    page.get_by_role("button", name="Next page").click()
    page.get_by_text("Rows 201–250").wait_for()
    assert page.get_by_role("button", name="Next page").is_disabled()
    page.get_by_role("button", name="Previous page").click()
    page.get_by_text("Rows 101–200, more follow").wait_for()

    # SQL that writes is refused before anything runs; the page shows the problem's detail.
    writes = "CREATE TABLE copy AS SELECT * FROM 'shapes:v1/measurements.csv'"
    refused = data.http.post("/api/v1/query", json={"sql": writes})
    assert 400 <= refused.status_code < 500, refused.text
    sql.fill(writes)
    page.get_by_role("button", name="Run").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == refused.json()["detail"]
    assert page.get_by_role("table", name="Query rows").count() == 0
    assert not page_errors(page)
    page.context.close()


def test_a_refused_promotion_lists_every_reason_and_an_admin_overrides_it(chromium: Any, data: Data) -> None:
    # An editor: the policy and every reason of the refusal, but no override.
    page = signed_in(chromium, data.platform.gateway, data.editor)
    page.goto("/artifacts/shape-model")
    policy = page.get_by_role("list", name="Promotion policy of production")
    policy.wait_for()
    assert policy.locator("li").all_inner_texts() == [
        "accuracy not worse than the current version's (higher is better)",
        "metadata review.approved = true",
    ]
    form = page.get_by_role("form", name="Move an alias")
    form.get_by_label("Alias").fill("production")
    form.get_by_label("To version").select_option("v2")
    form.get_by_role("button", name="Move production").click()
    reasons = form.get_by_role("list", name="Reasons")
    reasons.wait_for()
    messages = reasons.locator("li").all_inner_texts()
    assert len(messages) == 2
    assert "accuracy" in messages[0] and "(metric_not_worse)" in messages[0]
    assert "review.approved" in messages[1] and "(requires_metadata)" in messages[1]
    assert form.get_by_label("Override with reason (kept in the alias history)").count() == 0
    check_accessible(page, "promotion refused")

    # The version page shows the model's signature.
    page.goto("/artifacts/shape-model/versions/v1")
    signature = page.get_by_role("table", name="Model signature")
    signature.wait_for()
    assert [r.locator("td").all_inner_texts() for r in signature.locator("tbody tr").all()] == [
        ["input", "X", "float", "[batch, 2]"],
        ["output", "label", "int64", "[?]"],
    ]
    page.context.close()

    # An admin overrides it with a reason, which the alias history keeps.
    page = signed_in(chromium, data.platform.gateway, data.admin)
    page.goto("/artifacts/shape-model")
    form = page.get_by_role("form", name="Move an alias")
    form.get_by_label("Alias").fill("production")
    form.get_by_label("To version").select_option("v2")
    form.get_by_role("button", name="Move production").click()
    form.get_by_role("list", name="Reasons").wait_for()
    form.get_by_label("Override with reason (kept in the alias history)").fill(
        "hotfix approved by the on-call lead"
    )
    form.get_by_role("button", name="Override and move").click()
    page.get_by_text("production now points at v2 (the promotion policy was overridden)").wait_for()
    page.get_by_text("History of production").click()
    history = page.get_by_role("list", name="History of production")
    history.get_by_text("hotfix approved by the on-call lead").wait_for()
    assert "moved it from v1 to v2" in history.inner_text()
    assert len(history.get_by_role("list", name="Refusals set aside").locator("li").all()) == 2
    check_accessible(page, "override")
    assert not page_errors(page)
    page.context.close()
    [latest, *_] = data.http.get("/api/v1/artifacts/shape-model/aliases/production/history").json()["items"]
    assert latest["override_reason"] == "hotfix approved by the on-call lead"


def test_a_narrow_window_keeps_search_and_query_usable(chromium: Any, data: Data) -> None:
    page = signed_in(chromium, data.platform.gateway, data.viewer, viewport={"width": 390, "height": 800})
    for path, ready in [
        ("/search?q=wingspan", "Search results"),
        ("/artifacts/shapes/versions/v1", "Columns of measurements.csv"),
    ]:
        page.goto(path)
        page.get_by_label(ready).first.wait_for()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
    page.goto("/query")
    sql = page.get_by_label("SQL", exact=True)
    sql.wait_for()
    # Keyboard only: the skip link first, then the query box, run with Ctrl+Enter.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    sql.focus()
    page.keyboard.type("SELECT count(*) AS n FROM 'shapes:v1/measurements.csv'")
    page.keyboard.press("Control+Enter")
    rows = page.get_by_role("table", name="Query rows")
    rows.wait_for()
    assert rows.locator("tbody td").all_inner_texts() == [str(len(ROWS))]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.context.close()
