"""The hand-off through JupyterLab in headless Chromium: push a folder from the file browser, see
the new version in the panel, pull another version into the workspace (files byte-identical), and
copy the code that opens a file into a notebook. Takes the panel's screenshot for the docs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import kamld
from kamld_testing.browser import new_page, page_errors
from kamld_testing.jupyter import JupyterServer
from kamld_testing.platform import Platform

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "images" / "jupyterlab-panel.png"
WAIT_MS = 60_000


OLDER = {"labels.csv": b"file,label\ncat.png,cat\n", "img/cat.png": os.urandom(4096)}
NEWER = {"labels.csv": b"file,label\ncat.png,cat\ndog.png,dog\n", "img/dog.png": os.urandom(6000)}


@pytest.fixture(scope="module")
def workspace(lab: JupyterServer, kamld_platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``faces:v1`` pushed by a script; the Jupyter root holds newer ``faces/``, an empty
    ``restore/`` and an empty notebook."""
    older = tmp_path_factory.mktemp("older")
    write_files(older, OLDER)
    with kamld.Client(kamld_platform.gateway, kamld_platform.token) as client:
        client.push(older, "faces", "from a script", kind="dataset")
    write_files(lab.root / "faces", NEWER)
    (lab.root / "restore").mkdir()
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (lab.root / "scratch.ipynb").write_text(json.dumps(notebook))
    return lab.root


@pytest.fixture(scope="module")
def page(lab: JupyterServer, workspace: Path, chromium: Browser) -> Iterator[Page]:
    page = new_page(chromium, lab.base)
    page.set_default_timeout(WAIT_MS)
    page.goto(lab.url(f"lab?token={lab.token}"))
    page.locator(".jp-DirListing-content").wait_for()
    yield page
    page.context.close()


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def show_sidebar(page: Page, panel_id: str) -> None:
    """Show a left-sidebar panel (clicking the tab of the one shown would hide it)."""
    tab = page.locator(f".lm-TabBar-tab[data-id='{panel_id}']")
    if (
        "lm-mod-current" not in (tab.get_attribute("class") or "")
        or not page.locator(f"#{panel_id}").is_visible()
    ):
        tab.click()
    page.locator(f"#{panel_id}").wait_for(state="visible")


def folder_menu(page: Page, folder: str, command: str) -> None:
    """Right-click ``folder`` in the file browser and choose ``command``."""
    show_sidebar(page, "filebrowser")
    page.locator(".jp-DirListing-item").filter(has=page.get_by_text(folder, exact=True)).click(button="right")
    page.locator(".lm-Menu-item").filter(has_text=command).click()


def finish_job(page: Page) -> str:
    """Wait for the job dialog to end; return what it says, and close it."""
    job = page.locator(".kamld-job[data-state='succeeded'], .kamld-job[data-state='failed']")
    job.wait_for()
    text = job.inner_text()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    return text


def test_push_see_pull_and_copy_code_in_jupyterlab(page: Page, lab: JupyterServer) -> None:
    folder_menu(page, "faces", "Push this folder to KAML-D…")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input[name=name]").fill("faces")
    dialog.locator("input[name=message]").fill("labels from the notebook")
    dialog.locator("input[name=inputs]").fill("")
    dialog.locator(".jp-mod-accept").click()
    assert "Pushed faces:v2" in finish_job(page)

    show_sidebar(page, "kamld-panel")
    panel = page.locator("#kamld-panel")
    panel.locator(".kamld-artifact[data-name='faces']").click()
    newest = panel.locator(".kamld-version[data-ref='faces:v2']")
    newest.wait_for()
    assert "labels from the notebook" in newest.inner_text()
    newest.click()
    panel.locator(".kamld-file[data-reference='faces:v2/labels.csv']").wait_for()
    panel.locator(".kamld-lineage-upstream").wait_for()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    folder_menu(page, "restore", "Pull a version here…")
    page.locator(".jp-Dialog input[name=ref]").fill("faces:v1")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    assert "Pulled faces:v1 into restore" in finish_job(page)
    for name, data in OLDER.items():
        assert (lab.root / "restore" / name).read_bytes() == data
    assert not (lab.root / "restore" / "img" / "dog.png").exists()

    page.goto(lab.url("lab/tree/scratch.ipynb"))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    page.locator(".jp-Dialog").get_by_role("button", name="No Kernel").click()  # no kernel needed
    page.locator(".jp-Dialog").wait_for(state="detached")
    show_sidebar(page, "kamld-panel")
    panel.locator(".kamld-artifact[data-name='faces']").click()
    panel.locator(".kamld-version[data-ref='faces:v2']").click()
    panel.locator(".kamld-file[data-reference='faces:v2/labels.csv'] .kamld-copy-code").click()
    cell = page.locator(".jp-Notebook .jp-Cell .cm-content").last
    cell.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-Notebook .cm-content')]"
        ".some(e => e.textContent.includes('kamld.open(\"faces:v2/labels.csv\")'))"
    )
    assert page_errors(page) == []
