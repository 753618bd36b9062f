"""The Workbench's Runs and Activity pages in headless Chromium against a real ``kamld up`` that
trains: a ``code`` run that logs metrics and then waits for a gate the test opens over HTTP (so its
log is seen growing while it runs), cancel and retry by role, and the activity feed following the stream.

One platform and one browser for the module. Screenshots go to the test's temporary directory, or
to ``docs/images/`` with ``KAMLD_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
from kamld_testing.loopback import serving
from kamld_testing.platform import Platform, clean_environment, running_platform
from kamld_testing.processes import env_prefix
from kamld_testing.runs import shared_envs_dir, wait_for_run, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]

# Needs no packages (a bare environment, built once and kept with the other tests' environments).
TRAIN = """\
import pathlib, time, urllib.error, urllib.request
import kamld_tracking as tracking


def opened(url):
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except (urllib.error.URLError, OSError):
        return False


params = tracking.params()
print("reading the rows", flush=True)
if params.get("fail"):
    raise SystemExit("boom: the data is bad")
for step in range(4):
    tracking.log_metric("loss", 1.0 / (step + 1), step=step)
    tracking.log_metric("accuracy", 0.5 + step / 10, step=step)
    print(f"step {step} done", flush=True)
print("waiting for the gate", flush=True)
while not opened(params["gate"]):
    time.sleep(0.1)
print("gate opened, writing the model", flush=True)
(pathlib.Path(tracking.output_dir()) / "weights.txt").write_text("4 steps\\n")
"""


class Gates:
    """Gates a run waits on: ``url(name)`` answers 404 until ``open(name)``, then 200."""

    def __init__(self, base_url: str, opened: set[str]) -> None:
        self.base_url = base_url
        self.opened = opened

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def open(self, name: str) -> None:
        self.opened.add(name)


@pytest.fixture(scope="module")
def gates() -> Iterator[Gates]:
    opened: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path.lstrip("/") in opened else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as base_url:
        yield Gates(base_url, opened)


class Story:
    """A dataset ``rows`` (v1, v2, ``production`` at v1), the training code, and one token per role."""

    def __init__(self, platform: Platform, root: Path, gates: Gates) -> None:
        self.platform = platform
        self.root = root
        self.gates = gates
        self.admin = platform.token
        with kamld.Client(platform.gateway, platform.token) as admin:
            self.editor = admin.token_create("alice", "editor").token
            self.viewer = admin.token_create("bob", "viewer").token
        data = root / "rows"
        data.mkdir()
        code = root / "code"
        code.mkdir()
        (code / "train.py").write_text(TRAIN)
        with kamld.Client(platform.gateway, self.editor) as editor:
            (data / "rows.csv").write_text("a,b\n1,2\n")
            editor.push(data, "rows", "first rows", kind="dataset")
            (data / "rows.csv").write_text("a,b\n1,2\n3,4\n")
            editor.push(data, "rows", "more rows")
            editor.push(code, "train-code", "waits for a gate", kind="code")
            editor.alias_set("rows", "production", "v1")
        self.api = httpx.Client(
            base_url=platform.gateway + "/api/v1",
            headers={"Authorization": f"Bearer {self.editor}"},
            timeout=60,
        )

    def start(self, gate: str, output: str, fail: bool = False) -> dict[str, Any]:
        """Queue a run of the training code that waits for the gate named ``gate``."""
        body = {
            "code": "train-code",
            "entrypoint": ["python", "train.py"],
            "inputs": ["rows:v2=train"],
            "params": {"gate": self.gates.url(gate), "fail": fail},
            "output": output,
        }
        response = self.api.post("/runs", json=body)
        assert response.status_code == 201, response.text
        run: dict[str, Any] = response.json()
        return run


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, gates: Gates) -> Iterator[Story]:
    env = clean_environment()
    trainer = env_prefix("trainer")
    env |= {trainer + "ENVS_DIR": str(shared_envs_dir()), trainer + "CANCEL_GRACE_S": "2"}
    home = tmp_path_factory.mktemp("runs-home")
    with running_platform(home, env, database="sqlite") as platform:
        story = Story(platform, tmp_path_factory.mktemp("runs-data"), gates)
        try:
            yield story
        finally:
            story.api.close()


def wait_for_log(page: Any, line: str, timeout: float = 30_000) -> None:
    """Until the run page's log holds ``line`` (the page reads it as a stream)."""
    page.wait_for_function(
        "line => document.querySelector('[data-testid=run-log]').textContent.includes(line)",
        arg=line,
        timeout=timeout,
    )


def log_text(page: Any) -> str:
    text: str = page.get_by_test_id("run-log").inner_text()
    return text


def test_a_run_followed_live_from_the_list_to_its_model(chromium: Any, story: Story, shots: Path) -> None:
    run = story.start("gate-live", "rows-model")
    page = signed_in(chromium, story.platform.gateway, story.editor)
    scripts: list[str] = []
    page.on("response", lambda r: r.url.endswith(".js") and scripts.append(r.url))

    # The list shows it: status, code, input, output, creator.
    page.get_by_role("link", name="Runs", exact=True).click()
    table = page.get_by_role("table", name="Runs")
    link = page.locator(f"a[href='/runs/{run['id']}']")
    row = table.locator("tbody tr", has=link)
    row.wait_for()
    cells = row.locator("td").all_inner_texts()
    assert cells[1] in ("queued", "running")
    assert cells[2] == "train-code:v1 (python train.py)"
    assert "rows:v2 (train)" in cells[3]
    assert cells[4] == "rows-model" and cells[5] == "alice"
    assert not [url for url in scripts if "MetricCharts" in url]  # the chart library is not loaded yet
    # filtered by status: a succeeded filter hides it
    page.get_by_label("Status").select_option("succeeded")
    page.get_by_text("No runs match.").wait_for()
    page.get_by_label("Status").select_option("")
    row.wait_for()
    check_accessible(page, "runs")

    # Its page follows the log while it runs (it waits for the gate), and draws its metrics.
    row.locator(f"a[href='/runs/{run['id']}']").click()
    page.get_by_role("heading", name="Spec").wait_for()
    page.get_by_text("Following the log while the run is live").wait_for()
    # (a generous deadline: the first run on a machine builds its environment)
    wait_for_log(page, "waiting for the gate", timeout=300_000)
    assert "gate opened" not in log_text(page)
    assert page.get_by_role("button", name="Cancel run").is_visible()
    charts = page.get_by_role("list", name="Metric charts")
    page.locator("figure.chart[data-metric=loss][data-points='4'] canvas").wait_for()
    assert charts.locator("figure.chart").count() == 2
    assert page.locator("figure.chart[data-metric=accuracy] canvas").count() == 1
    assert [url for url in scripts if "MetricCharts" in url]
    spec = page.get_by_role("region", name="Spec")
    assert spec.get_by_role("link", name="rows:v2").get_attribute("href") == "/artifacts/rows/versions/v2"
    assert spec.get_by_role("link", name="train-code:v1").count() == 1
    assert "python train.py" in spec.inner_text()
    assert story.gates.url("gate-live") in spec.inner_text()
    check_accessible(page, "run (running)")

    # The run goes on: the same page (no reload) shows the rest of the log and the outcome.
    page.evaluate("window.kamldSamePage = true")
    story.gates.open("gate-live")
    page.get_by_text("Succeeded and registered").wait_for(timeout=120_000)
    # the end of the log, to the line the trainer writes last
    wait_for_log(page, "registered rows-model:v1")
    assert page.evaluate("window.kamldSamePage") is True
    text = log_text(page)
    assert text.count("waiting for the gate") == 1  # read on from where it was, nothing twice
    assert text.index("step 3 done") < text.index("gate opened") < text.index("registered rows-model:v1")
    assert page.get_by_role("button", name="Cancel run").count() == 0
    assert page.get_by_role("button", name="Retry run").count() == 0  # a success is not retried
    page.get_by_text("Following the log").wait_for(state="detached")
    page.screenshot(path=shots / "workbench-run.png", full_page=True)

    # The output version links back to the run that produced it.
    page.get_by_role("status").get_by_role("link", name="rows-model:v1").click()
    page.get_by_role("heading", name="rows-model:v1").wait_for()
    page.get_by_role("link", name="Run that produced it").click()
    page.get_by_role("heading", name="Spec").wait_for()
    assert page.url.endswith(f"/runs/{run['id']}")

    assert not page_errors(page)
    page.context.close()


def test_only_editors_cancel_and_retry(chromium: Any, story: Story) -> None:
    run = story.start("gate-never", "cancelled-model")
    wait_until(story.api, run["id"], "command_started_at")

    viewer = signed_in(chromium, story.platform.gateway, story.viewer)
    viewer.goto(f"/runs/{run['id']}")
    viewer.get_by_text("Following the log while the run is live").wait_for()
    wait_for_log(viewer, "waiting for the gate")
    assert viewer.get_by_role("button", name="Cancel run").count() == 0
    assert viewer.get_by_role("button", name="Retry run").count() == 0

    editor = signed_in(chromium, story.platform.gateway, story.editor)
    editor.goto(f"/runs/{run['id']}")
    editor.get_by_role("button", name="Cancel run").click()
    editor.locator("h1 .badge", has_text="cancelled").wait_for(timeout=60_000)
    assert story.api.get(f"/runs/{run['id']}").json()["status"] == "cancelled"
    assert editor.get_by_role("button", name="Cancel run").count() == 0

    # The viewer's page ends its log stream with the run, still without buttons.
    viewer.get_by_text("Following the log").wait_for(state="detached", timeout=60_000)
    viewer.locator("h1 .badge", has_text="cancelled").wait_for()
    assert viewer.get_by_role("button", name="Retry run").count() == 0

    # Retry opens the new run (with the same pinned inputs); it is cancelled by the API here.
    editor.get_by_role("button", name="Retry run").click()
    editor.wait_for_url(lambda url: "/runs/" in url and run["id"] not in url)
    retried = editor.url.rsplit("/", 1)[1]
    editor.get_by_role("link", name=run["id"]).wait_for()  # "Retry of"
    assert story.api.post(f"/runs/{retried}/cancel").status_code == 200
    assert wait_for_run(story.api, retried)["status"] == "cancelled"
    editor.locator("h1 .badge", has_text="cancelled").wait_for(timeout=60_000)
    assert not page_errors(editor) and not page_errors(viewer)
    viewer.context.close()
    editor.context.close()


def test_a_failed_run_shows_why_and_editors_may_retry_it(chromium: Any, story: Story) -> None:
    run = wait_for_run(story.api, story.start("gate-unused", "failed-model", fail=True)["id"])
    assert run["status"] == "failed"
    page = signed_in(chromium, story.platform.gateway, story.editor)
    page.goto(f"/runs/{run['id']}")
    why = page.get_by_role("region", name="Why it ended")
    why.wait_for()
    assert "Failed" in why.inner_text() and "exit code 1" in why.inner_text()
    assert "boom: the data is bad" in why.inner_text()
    wait_for_log(page, "boom: the data is bad")
    assert page.get_by_role("button", name="Retry run").is_visible()
    assert page.get_by_role("button", name="Cancel run").count() == 0
    assert page.get_by_text("No metrics logged.").is_visible()
    check_accessible(page, "run (failed)")
    page.goto("/runs?status=failed")
    rows = page.get_by_role("table", name="Runs").locator("tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1 and "failed-model" in rows.first.inner_text()
    assert page.get_by_label("Status").input_value() == "failed"
    page.context.close()


def test_a_refused_action_shows_the_problem_detail(chromium: Any, story: Story) -> None:
    """An editor whose token is revoked while the page is open: the API refuses the cancel, and the
    page shows the problem's detail."""
    with kamld.Client(story.platform.gateway, story.admin) as admin:
        carol = admin.token_create("carol", "editor").token
    run = story.start("gate-refused", "refused-model")
    page = signed_in(chromium, story.platform.gateway, carol)
    page.goto(f"/runs/{run['id']}")
    button = page.get_by_role("button", name="Cancel run")
    button.wait_for()
    with kamld.Client(story.platform.gateway, story.admin) as admin:
        admin.token_revoke("carol")
    with page.expect_response(lambda r: r.url.endswith("/cancel")) as answered:
        button.click()
    refused = answered.value
    assert refused.status == 401
    alert = page.locator(".stack").get_by_role("alert")
    alert.wait_for()
    detail = refused.json()["detail"]
    assert detail and detail in alert.inner_text()
    assert story.api.get(f"/runs/{run['id']}").json()["status"] in ("queued", "running")
    assert story.api.post(f"/runs/{run['id']}/cancel").status_code == 200
    wait_for_run(story.api, run["id"])
    page.context.close()


def test_the_activity_feed_updates_live(chromium: Any, story: Story, shots: Path) -> None:
    page = signed_in(chromium, story.platform.gateway, story.viewer)
    page.get_by_role("link", name="Activity", exact=True).click()
    events = page.get_by_role("table", name="Events")
    pushed = events.locator("tbody tr", has_text="version.committed").filter(has_text="rows:v2")
    pushed.wait_for(timeout=60_000)
    assert "alice" in pushed.inner_text() and "latest: v1 → v2" in pushed.inner_text()
    assert pushed.get_by_role("link", name="rows:v2").get_attribute("href") == "/artifacts/rows/versions/v2"
    alias = events.locator("tbody tr", has_text="alias.set").filter(has_text="production set to v1")
    alias.wait_for()
    assert "production set to v1" in alias.inner_text()
    page.get_by_text("Live: new events appear at the top.").wait_for()
    check_accessible(page, "activity")

    # A move made elsewhere shows up at the top without a reload.
    page.evaluate("window.kamldSamePage = true")
    with kamld.Client(story.platform.gateway, story.editor) as editor:
        editor.alias_set("rows", "production", "v2")
    moved = events.locator("tbody tr", has_text="production: v1 → v2")
    moved.wait_for(timeout=60_000)
    assert "alias.set" in moved.inner_text()
    order = [
        int(i) for i in events.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.eventId)")
    ]
    assert order == sorted(order, reverse=True)  # newest first, the new one above the older move
    assert order.index(int(moved.get_attribute("data-event-id"))) < order.index(
        int(alias.get_attribute("data-event-id"))
    )
    assert moved.get_by_role("link", name="rows:v2").get_attribute("href") == "/artifacts/rows/versions/v2"
    assert page.evaluate("window.kamldSamePage") is True
    page.screenshot(path=shots / "workbench-activity.png", full_page=True)

    # Filters: by type, and one artifact's activity from its page.
    page.get_by_role("form", name="Filter events").get_by_label("Type").select_option("alias.set")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/activity?type=alias.set")
    page.wait_for_function(
        "() => [...document.querySelectorAll('table[aria-label=Events] tbody tr')]"
        ".every(r => r.textContent.includes('alias.set'))"
    )
    page.goto("/artifacts/train-code")
    page.get_by_role("link", name="Activity of train-code").click()
    page.get_by_role("heading", name="Activity of train-code").wait_for()
    rows = events.locator("tbody tr")
    rows.first.wait_for()
    assert all("train-code" in text for text in rows.all_inner_texts())
    # An unknown filter value is refused by the API, and its detail shown.
    page.goto("/activity?since=not-a-time")
    assert "since" in page.get_by_role("alert").inner_text()
    assert not page_errors(page)
    page.context.close()


def test_the_new_pages_work_in_a_narrow_window(chromium: Any, story: Story) -> None:
    page = signed_in(chromium, story.platform.gateway, story.editor, viewport={"width": 390, "height": 800})
    story.gates.open("gate-narrow")
    run_id = wait_for_run(story.api, story.start("gate-narrow", "narrow-model")["id"])["id"]
    for path, heading, ready in (
        ("/runs", "Runs", "table[aria-label=Runs] tbody tr"),
        (f"/runs/{run_id}", "Spec", "figure.chart canvas"),
        ("/activity", "Activity", "table[aria-label=Events] tbody tr"),
    ):
        page.goto(path)
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        page.locator(ready).first.wait_for()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is wider than the window by {overflow} px"
    # Keyboard only: the run log can take focus (it scrolls).
    page.goto(f"/runs/{run_id}")
    page.get_by_test_id("run-log").focus()
    assert page.evaluate("document.activeElement.dataset.testid") == "run-log"
    page.context.close()


def test_the_chart_library_is_not_in_the_initial_javascript(chromium: Any, story: Story, shots: Path) -> None:
    page = signed_in(chromium, story.platform.gateway, story.viewer)
    bodies: dict[str, bytes] = {}
    page.on("response", lambda r: r.url.endswith(".js") and bodies.setdefault(r.url, r.body()))
    page.goto("/runs")
    page.get_by_role("table", name="Runs").wait_for()
    page.wait_for_load_state("networkidle")
    assert not [url for url in bodies if "MetricCharts" in url]
    assert sum(len(gzip.compress(body, 9)) for body in bodies.values()) < 400 * 1024
    page.screenshot(path=shots / "workbench-runs.png", full_page=True)  # the runs of the whole module
    page.context.close()
