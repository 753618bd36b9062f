"""The server extension over HTTP, in a real Jupyter server in front of a real platform."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import kamld
from kamld_testing.jupyter import JupyterServer
from kamld_testing.platform import Platform
from kamld_testing.processes import free_ports

pytestmark = pytest.mark.integration

JOB_TIMEOUT_S = 60.0


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def wait_job(lab: JupyterServer, job: dict[str, Any]) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while job["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        answer = httpx.get(lab.url(f"kamld/jobs/{job['id']}"), headers=lab.auth)
        assert answer.status_code == 200, answer.text
        job = answer.json()
    return job


def start(lab: JupyterServer, action: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(lab.url(f"kamld/jobs/{action}"), headers=lab.auth, json=body)


def test_proxy_answers_as_the_gateway_with_the_servers_token(
    lab: JupyterServer, kamld_platform: Platform
) -> None:
    kamld.Client(kamld_platform.gateway, kamld_platform.token).create_artifact("proxied", kind="model")
    via_lab = httpx.get(lab.url("kamld/api/v1/artifacts"), headers=lab.auth, params={"kind": "model"})
    direct = httpx.get(
        f"{kamld_platform.gateway}/api/v1/artifacts", headers=kamld_platform.auth, params={"kind": "model"}
    )
    assert via_lab.status_code == 200, via_lab.text
    assert via_lab.json() == direct.json()
    assert "proxied" in [item["name"] for item in via_lab.json()["items"]]
    missing = httpx.get(lab.url("kamld/api/v1/artifacts/no-such-thing"), headers=lab.auth)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["code"] == "artifact_not_found"


def test_proxy_and_jobs_need_a_jupyter_sign_in(lab: JupyterServer) -> None:
    for method, path in [
        ("GET", "kamld/api/v1/artifacts"),
        ("POST", "kamld/jobs/push"),
        ("GET", "kamld/jobs/0a"),
    ]:
        answer = httpx.request(method, lab.url(path), json={} if method == "POST" else None)
        assert answer.status_code == 403, (method, path, answer.text)
    wrong = httpx.get(lab.url("kamld/api/v1/artifacts"), headers={"Authorization": "token wrong"})
    assert wrong.status_code == 403


def test_unsafe_methods_need_jupyters_xsrf_token_with_a_cookie_session(lab: JupyterServer) -> None:
    with httpx.Client() as browser:
        browser.get(lab.url("lab"), params={"token": lab.token}).raise_for_status()
        refused = browser.post(lab.url("kamld/jobs/push"), json={"path": "", "name": "x"})
        assert refused.status_code == 403
        xsrf = browser.cookies["_xsrf"]
        accepted = browser.post(
            lab.url("kamld/jobs/push"), json={"path": "../", "name": "x"}, headers={"X-XSRFToken": xsrf}
        )
        assert accepted.status_code == 422  # past the XSRF check, refused for its path


@pytest.mark.parametrize("path", ["..", "../elsewhere", "/etc", "a/../../b", "link-out"])
def test_paths_outside_the_root_are_refused(lab: JupyterServer, path: str, tmp_path: Path) -> None:
    link = lab.root / "link-out"
    if not link.is_symlink():
        os.symlink(tmp_path, link)
    for action, body in [
        ("push", {"path": path, "name": "escape"}),
        ("pull", {"path": path, "ref": "escape:v1"}),
    ]:
        answer = start(lab, action, body)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()
        assert problem["code"] == "path_outside_root"
        assert problem["errors"][0]["loc"] == ["body", "path"]
    assert not (tmp_path / ".kamld").exists()


def test_bad_requests_name_the_field(lab: JupyterServer) -> None:
    (lab.root / "some").mkdir(exist_ok=True)
    cases = [
        ("push", {"path": "some", "name": "Bad Name!"}, "name"),
        ("push", {"path": "some"}, "name"),
        ("push", {"path": "nothing-here", "name": "ok"}, "path"),
        ("push", {"path": "some", "name": "ok", "inputs": [{"ref": ""}]}, "inputs"),
        ("pull", {"path": "some", "ref": ""}, "ref"),
        ("pull", {"path": "some", "ref": "ok:v1", "force": "yes"}, "force"),
    ]
    for action, body, field in cases:
        answer = start(lab, action, body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["errors"][0]["loc"] == ["body", field], answer.json()
    not_json = httpx.post(lab.url("kamld/jobs/push"), headers=lab.auth, content=b"{")
    assert not_json.status_code == 400
    assert httpx.get(lab.url("kamld/jobs/ffff"), headers=lab.auth).json()["code"] == "job_not_found"


def test_push_then_pull_another_version_byte_identical(lab: JupyterServer) -> None:
    first = {"labels.csv": b"file,label\na.png,cat\n", "img/a.png": os.urandom(3000)}
    second = {"labels.csv": b"file,label\na.png,dog\n", "img/b.png": os.urandom(5000)}
    folder = lab.root / "work" / "pets"
    write_files(folder, first)
    pushed = start(lab, "push", {"path": "work/pets", "name": "pets", "message": "first", "kind": "dataset"})
    assert pushed.status_code == 202, pushed.text
    assert pushed.headers["location"].endswith(f"/kamld/jobs/{pushed.json()['id']}")
    one = wait_job(lab, pushed.json())
    assert one["state"] == "succeeded", one
    assert one["result"]["ref"] == "pets:v1"
    assert one["progress"]["phase"] == "done"

    (folder / "img" / "a.png").unlink()
    write_files(folder, second)
    two = wait_job(lab, start(lab, "push", {"path": "work/pets", "name": "pets", "message": "second"}).json())
    assert two["state"] == "succeeded", two
    assert two["result"]["ref"] == "pets:v2"

    pulled = wait_job(lab, start(lab, "pull", {"ref": "pets:v1", "path": "copies/pets-v1"}).json())
    assert pulled["state"] == "succeeded", pulled
    assert pulled["result"]["version"]["ref"] == "pets:v1"
    assert pulled["result"]["directory"] == "copies/pets-v1"
    target = lab.root / "copies" / "pets-v1"
    for name, data in first.items():
        assert (target / name).read_bytes() == data
    assert not (target / "img" / "b.png").exists()

    (target / "labels.csv").write_bytes(b"edited here\n")
    refused = wait_job(lab, start(lab, "pull", {"ref": "pets:v2", "path": "copies/pets-v1"}).json())
    assert refused["state"] == "failed"
    assert (refused["problem"]["status"], refused["problem"]["code"]) == (409, "local_changes")
    assert refused["problem"]["conflicts"][0]["path"] == "labels.csv"
    assert (target / "labels.csv").read_bytes() == b"edited here\n"
    body = {"ref": "pets:v2", "path": "copies/pets-v1", "force": True}
    forced = wait_job(lab, start(lab, "pull", body).json())
    assert forced["state"] == "succeeded", forced
    assert (target / "labels.csv").read_bytes() == second["labels.csv"]


def test_failed_jobs_carry_the_platforms_problem(lab: JupyterServer) -> None:
    job = wait_job(lab, start(lab, "pull", {"ref": "never-pushed:v1", "path": "nowhere"}).json())
    assert job["state"] == "failed"
    assert job["problem"]["status"] == 404
    assert job["problem"]["code"] == "artifact_not_found"
    assert job["result"] is None


def test_gateway_down_is_a_502_problem(lab: JupyterServer, lab_config: Path) -> None:
    saved = lab_config.read_text()
    dead = f"http://127.0.0.1:{free_ports(1)[0]}"
    lab_config.write_text(f'url = "{dead}"\ntoken = "whatever"\n')
    try:
        answer = httpx.get(lab.url("kamld/api/v1/artifacts"), headers=lab.auth)
        (lab.root / "down").mkdir(exist_ok=True)
        job = wait_job(lab, start(lab, "pull", {"ref": "pets:v1", "path": "down"}).json())
    finally:
        lab_config.write_text(saved)
    assert answer.status_code == 502, answer.text
    assert answer.json()["code"] == "gateway_unreachable"
    assert dead in answer.json()["detail"]
    assert job["state"] == "failed"
    assert job["problem"]["status"] == 502
    assert httpx.get(lab.url("kamld/api/v1/artifacts"), headers=lab.auth).status_code == 200
