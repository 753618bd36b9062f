"""Runs executed by the local executor of a real ``kamld up``: code runs, their faults, cancel,
restart, and what a successful run registers.

The code is a small script pushed as a ``code`` artifact; it needs no packages, so its environment
is a bare virtualenv (built once, kept across test sessions with the others).
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import kamld
from kamld.cli.exits import ExitCode
from kamld.errors import NotFound
from kamld_testing.cli import run_cli
from kamld_testing.events import wait_for_feed, wait_restarted
from kamld_testing.platform import Platform, clean_environment, running_platform
from kamld_testing.processes import env_prefix
from kamld_testing.runs import run_processes, shared_envs_dir, wait_for_run, wait_until

pytestmark = pytest.mark.integration

TRAIN = """\
import os, pathlib, sys, time
import kamld_tracking as tracking

params = tracking.params()
mode = params.get("mode", "ok")
out = pathlib.Path(tracking.output_dir())
data = pathlib.Path(tracking.inputs()["train"]) / "rows.csv"
rows = data.read_text().splitlines()
print(f"read {len(rows)} rows", flush=True)
if mode == "ok":
    for step in range(3):
        tracking.log_metric("loss", 1.0 / (step + 1), step=step)
    tracking.log_param("rows", len(rows))
    (out / "weights.txt").write_text(f"{len(rows)} rows\\n")
elif mode == "crash":
    print("about to fail", flush=True)
    raise SystemExit("boom: the data is bad")
elif mode == "partial":
    (out / "half.bin").write_bytes(b"x" * 100)
    os.kill(os.getpid(), 9)
elif mode == "sleep":
    (out / "partial.txt").write_text("not done")
    print("sleeping", flush=True)
    time.sleep(600)
"""


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    env = clean_environment()
    trainer = env_prefix("trainer")
    env |= {trainer + "ENVS_DIR": str(shared_envs_dir()), trainer + "CANCEL_GRACE_S": "2"}
    home = tmp_path_factory.mktemp("home-trainer")
    with running_platform(home, env, database="sqlite-local") as running:
        yield running


@pytest.fixture(scope="module")
def api(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway + "/api/v1", headers=platform.auth, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def sdk(platform: Platform) -> Iterator[kamld.Client]:
    with kamld.Client(platform.gateway, platform.token) as client:
        yield client


@pytest.fixture(scope="module")
def pushed(sdk: kamld.Client, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A dataset and the training code, pushed once for the module."""
    data = tmp_path_factory.mktemp("rows")
    (data / "rows.csv").write_text("a,b\n" + "".join(f"{n},{n * 2}\n" for n in range(50)))
    code = tmp_path_factory.mktemp("code")
    (code / "train.py").write_text(TRAIN)
    dataset = sdk.push(data, "rows", kind="dataset")
    script = sdk.push(code, "train-code", kind="code")
    return {"data": f"rows:{dataset.name}", "code": f"train-code:{script.name}"}


def start(api: httpx.Client, pushed: dict[str, str], output: str, mode: str) -> dict:
    body = {
        "code": pushed["code"],
        "entrypoint": ["python", "train.py"],
        "inputs": [f"{pushed['data']}=train"],
        "params": {"mode": mode},
        "output": output,
    }
    response = api.post("/runs", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def of_run(run: dict) -> Any:
    """Selects the trainer's events about ``run`` (its output artifact's history has the catalog's too)."""
    return lambda event: event["subject"] == f"run:{run['id']}"


def no_versions(sdk: kamld.Client, name: str) -> bool:
    try:
        return list(sdk.log(name)) == []
    except NotFound:
        return True


def test_a_code_run_registers_its_output_with_lineage_params_and_metrics(
    api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str]
) -> None:
    run = start(api, pushed, "rows-model", "ok")
    assert run["status"] == "queued"
    assert run["inputs"][0]["ref"] == pushed["data"]
    assert run["inputs"][0]["role"] == "train"
    assert run["code"]["ref"] == pushed["code"]
    done = wait_for_run(api, run["id"])
    assert done["status"] == "succeeded", done["error"]
    assert done["output_version"] == "rows-model:v1"
    assert done["metrics"] == {"loss": pytest.approx(1 / 3)}
    assert done["logged_params"] == {"rows": 51}
    assert done["bytes_downloaded"] > 0

    series = api.get(f"/runs/{run['id']}/metrics").json()["series"]
    assert [point["step"] for point in series["loss"]] == [0, 1, 2]
    log = api.get(f"/runs/{run['id']}/logs").text
    assert "read 51 rows" in log
    assert "registered rows-model:v1" in log

    version = sdk.show("rows-model:v1")
    assert version.kind == "model"
    assert {(link.ref, link.role) for link in version.inputs} == {
        (pushed["data"], "train"),
        (pushed["code"], "code"),
    }
    assert version.metadata["run"]["id"] == run["id"]
    assert version.metadata["run"]["params"] == {"mode": "ok", "rows": 51}
    assert version.metadata["run"]["metrics"] == {"loss": pytest.approx(1 / 3)}
    assert version.metadata["run"]["code"] == pushed["code"]
    assert [f.path for f in sdk.ls("rows-model:v1")] == ["weights.txt"]
    upstream = {node.ref for node in sdk.lineage("rows-model:v1").nodes}
    assert pushed["data"] in upstream

    # the same inputs again: nothing downloaded, and the new version's parent is the first
    again = api.post(f"/runs/{run['id']}/retry")
    assert again.status_code == 201
    second = wait_for_run(api, again.json()["id"])
    assert second["status"] == "succeeded", second["error"]
    assert second["bytes_downloaded"] == 0
    assert second["retry_of"] == run["id"]
    assert second["output_version"] == "rows-model:v2"
    assert [p.ref for p in sdk.show("rows-model:v2").parents] == ["rows-model:v1"]

    listed = api.get("/runs", params={"output": "rows-model", "status": "succeeded"}).json()["items"]
    assert [item["id"] for item in listed] == [second["id"], run["id"]]
    assert {item["id"] for item in api.get("/runs", params={"input": pushed["data"]}).json()["items"]} >= {
        run["id"],
        second["id"],
    }


def test_a_run_records_created_started_succeeded_in_the_feed_and_in_kamld_events(
    platform: Platform, api: httpx.Client, pushed: dict[str, str], tmp_path: Path
) -> None:
    run = start(api, pushed, "feed-model", "ok")
    assert wait_for_run(api, run["id"])["status"] == "succeeded"
    events = wait_for_feed(platform, 3, of_run(run), artifact="feed-model")
    assert [e["type"] for e in events] == ["run.created", "run.started", "run.succeeded"]
    assert [(e["before"], e["after"]["status"]) for e in events] == [
        (None, "queued"),
        ({"status": "queued"}, "running"),
        ({"status": "running"}, "succeeded"),
    ]
    assert events[-1]["after"]["output_version"] == "feed-model:v1"
    assert events[0]["after"]["inputs"] == [pushed["data"]]
    assert {(e["actor"], e["source"], e["artifact"]) for e in events} == {
        (run["creator"], "trainer", "feed-model")
    }
    # the executor's changes carry the trace of the request that queued the run
    assert len(events[0]["trace_id"]) == 32 and {e["trace_id"] for e in events} == {events[0]["trace_id"]}
    assert len({e["event_id"] for e in events}) == 3

    env = {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(tmp_path)}
    listed = run_cli("events", "--artifact", "feed-model", "--json", env=env)
    assert listed.exit_code == 0, listed.output
    mine = [e for e in json.loads(listed.stdout) if e["subject"] == f"run:{run['id']}"]
    assert [e["type"] for e in mine] == ["run.succeeded", "run.started", "run.created"]  # newest first
    table = run_cli("events", "--artifact", "feed-model", "--type", "run.succeeded", env=env)
    assert "run.succeeded" in table.stdout and "run.started" not in table.stdout


def test_a_webhook_filtered_on_run_types_receives_a_runs_events(
    api: httpx.Client, pushed: dict[str, str]
) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kamld_testing.loopback import serving

    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        hook = api.post(
            "/webhooks",
            json={"url": url + "/in", "types": ["run.created", "run.succeeded"], "artifacts": ["hook-model"]},
        )
        assert hook.status_code == 201, hook.text
        run = start(api, pushed, "hook-model", "ok")
        assert wait_for_run(api, run["id"])["status"] == "succeeded"
        deadline = time.monotonic() + 90
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert api.delete(f"/webhooks/{hook.json()['id']}").status_code == 204
    assert [(e["type"], e["subject"]) for e in received] == [
        ("run.created", f"run:{run['id']}"),
        ("run.succeeded", f"run:{run['id']}"),
    ]


def test_observation_hub_killed_during_runs_loses_and_doubles_no_run_event(
    platform: Platform, api: httpx.Client, pushed: dict[str, str]
) -> None:
    """observation-hub is SIGKILLed while runs are queued and executed (one at a time, so the order
    of their changes is known); once it is back, each change is in the feed exactly once, in order."""
    runs = [start(api, pushed, "hub-killed-model", "ok") for _ in range(3)]
    wait_until(api, runs[0]["id"], "command_started_at")
    killed = platform.pids()["observation-hub"]
    os.kill(killed, signal.SIGKILL)
    wait_restarted(platform, "observation-hub", killed)
    assert wait_for_run(api, runs[0]["id"])["status"] == "succeeded"
    killed = platform.pids()["observation-hub"]
    os.kill(killed, signal.SIGKILL)  # while the next run executes
    wait_restarted(platform, "observation-hub", killed)
    assert [wait_for_run(api, run["id"])["status"] for run in runs] == ["succeeded"] * 3

    ids = {f"run:{run['id']}" for run in runs}
    events = wait_for_feed(platform, 9, lambda e: e["subject"] in ids, artifact="hub-killed-model")
    assert len(events) == 9
    assert len({e["event_id"] for e in events}) == 9
    seen = [(e["type"], e["subject"].removeprefix("run:")) for e in events]
    for run in runs:
        assert [kind for kind, run_id in seen if run_id == run["id"]] == [
            "run.created",
            "run.started",
            "run.succeeded",
        ]
    assert [run_id for kind, run_id in seen if kind == "run.created"] == [run["id"] for run in runs]
    assert [(kind, run_id) for kind, run_id in seen if kind != "run.created"] == [
        (kind, run["id"]) for run in runs for kind in ("run.started", "run.succeeded")
    ]
    assert [e["after"]["output_version"] for e in events if e["type"] == "run.succeeded"] == [
        f"hub-killed-model:v{n}" for n in (1, 2, 3)
    ]


def test_a_crashing_run_fails_with_the_tail_of_its_log(
    api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str]
) -> None:
    run = wait_for_run(api, start(api, pushed, "crash-model", "crash")["id"])
    assert run["status"] == "failed"
    assert run["exit_code"] == 1
    assert "exited with code 1" in run["error"]
    assert "about to fail" in run["error"]
    assert "boom: the data is bad" in run["error"]
    assert no_versions(sdk, "crash-model")


def test_a_run_killed_after_writing_part_of_its_output_registers_nothing(
    api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str]
) -> None:
    run = wait_for_run(api, start(api, pushed, "partial-model", "partial")["id"])
    assert run["status"] == "failed"
    assert "killed by SIGKILL" in run["error"]
    assert no_versions(sdk, "partial-model")


def test_a_run_without_output_fails_with_no_output(
    api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str]
) -> None:
    run = wait_for_run(api, start(api, pushed, "empty-model", "nothing-to-do")["id"])
    assert run["status"] == "failed"
    assert run["error"].startswith("no output")
    assert no_versions(sdk, "empty-model")


def test_cancelling_a_running_run_ends_its_processes_and_registers_nothing(
    platform: Platform, api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str]
) -> None:
    run = start(api, pushed, "sleepy-model", "sleep")
    wait_until(api, run["id"], "command_started_at")
    canceller = sdk.token_create("run-canceller", "editor").token
    with httpx.Client(base_url=api.base_url, headers=api.headers, timeout=60) as follower:
        with follower.stream("GET", f"/runs/{run['id']}/logs", params={"follow": "true"}) as stream:
            lines = stream.iter_lines()
            assert any("sleeping" in line for line in lines)
            by_other = {"Authorization": f"Bearer {canceller}"}
            assert api.post(f"/runs/{run['id']}/cancel", headers=by_other).status_code == 200
            rest = list(lines)  # the stream ends when the run does
    assert any("cancelled: stopping the run" in line for line in rest)
    done = wait_for_run(api, run["id"])
    assert done["status"] == "cancelled"
    assert run_processes(run["id"]) == []
    assert no_versions(sdk, "sleepy-model")
    refused = api.post(f"/runs/{run['id']}/cancel")
    assert refused.status_code == 409

    events = wait_for_feed(platform, 3, of_run(run), artifact="sleepy-model")
    assert [e["type"] for e in events] == ["run.created", "run.started", "run.cancelled"]
    cancel = events[-1]
    assert (cancel["actor"], cancel["before"], cancel["after"]["status"]) == (
        "run-canceller",  # who cancelled it, not who started it
        {"status": "running"},
        "cancelled",
    )
    assert events[0]["actor"] == run["creator"] != "run-canceller"


def test_a_trainer_killed_mid_run_leaves_no_running_run_and_runs_what_was_queued(
    platform: Platform, api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str]
) -> None:
    sleeper = start(api, pushed, "killed-model", "sleep")
    wait_until(api, sleeper["id"], "command_started_at")
    assert run_processes(sleeper["id"])
    waiting = start(api, pushed, "after-restart-model", "ok")
    trainer = platform.pids()["trainer"]
    os.kill(trainer, signal.SIGKILL)

    interrupted = wait_for_run(api, sleeper["id"])  # answered once the supervisor restarted trainer
    assert interrupted["status"] == "failed"
    assert interrupted["error"].startswith("interrupted")
    deadline = time.monotonic() + 30
    while run_processes(sleeper["id"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert run_processes(sleeper["id"]) == []
    assert no_versions(sdk, "killed-model")
    assert platform.pids()["trainer"] != trainer
    events = wait_for_feed(platform, 3, of_run(sleeper), artifact="killed-model")
    assert [e["type"] for e in events] == ["run.created", "run.started", "run.failed"]
    assert events[-1]["data"]["interrupted"] is True
    assert events[-1]["after"]["error"].startswith("interrupted")

    after = wait_for_run(api, waiting["id"])
    assert after["status"] == "succeeded", after["error"]
    assert after["output_version"] == "after-restart-model:v1"


@pytest.mark.parametrize(
    ("change", "location", "code"),
    [
        ({"inputs": ["no-such-data:v1=train"]}, ["body", "inputs", 0], "unresolvable_input"),
        ({"inputs": ["rows:v99=train"]}, ["body", "inputs", 0], "unresolvable_input"),
        ({"inputs": ["rows=parent"]}, ["body", "inputs", 0], "invalid_role"),
        ({"inputs": ["rows", "rows"]}, ["body", "inputs"], "duplicate_role"),
        ({"code": "rows:v1"}, ["body", "code"], "wrong_kind"),
        ({"code": None, "entrypoint": None, "recipe": "alchemy"}, ["body", "recipe"], "unknown_recipe"),
        ({"code": None, "entrypoint": None, "recipe": "sklearn-tabular"}, ["body", "params", "target"], None),
        (
            {
                "code": None,
                "entrypoint": None,
                "recipe": "sklearn-tabular",
                "params": {"target": "a", "seed": "x"},
            },
            ["body", "params", "seed"],
            "invalid_param",
        ),
    ],
)
def test_bad_runs_are_refused_before_anything_is_queued(
    api: httpx.Client, pushed: dict[str, str], change: dict, location: list, code: str | None
) -> None:
    before = api.get("/runs", params={"limit": 1}).json()["items"]
    body = {
        "code": pushed["code"],
        "entrypoint": ["python", "train.py"],
        "inputs": [f"{pushed['data']}=train"],
        "output": "refused-model",
        **change,
    }
    response = api.post("/runs", json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert location in [error["loc"] for error in response.json()["errors"]]
    if code:
        assert response.json()["code"] == code
    assert api.get("/runs", params={"limit": 1}).json()["items"] == before


def test_viewers_read_runs_and_editors_start_them(platform: Platform, api: httpx.Client) -> None:
    with kamld.Client(platform.gateway, platform.token) as admin:
        viewer = admin.token_create("run-viewer", "viewer").token
    with httpx.Client(base_url=api.base_url, headers={"Authorization": f"Bearer {viewer}"}) as reader:
        assert reader.get("/runs").status_code == 200
        refused = reader.post("/runs", json={"recipe": "sklearn-tabular", "output": "x"})
        assert refused.status_code == 403
        assert reader.post(f"/runs/{'0' * 8}-0000-0000-0000-{'0' * 12}/cancel").status_code == 403
    with httpx.Client(base_url=api.base_url) as anonymous:
        assert anonymous.get("/runs").status_code == 401


def test_a_run_tracked_by_hand_records_the_same_lineage_params_and_metrics(
    api: httpx.Client, sdk: kamld.Client, pushed: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "model.bin").write_bytes(b"weights")
    with kamld.start_run(inputs=[f"{pushed['data']}=train"], params={"lr": 0.1}, client=sdk) as run:
        assert not run.inside_trainer
        run.log_metric("acc", 0.5, step=0)
        run.log_metric("acc", 0.93, step=3)
        run.log_param("optimizer", "sgd")
        version = run.push_model(tmp_path, "notebook-model")
    assert version == "notebook-model:v1"
    recorded = api.get(f"/runs/{run.id}").json()
    assert recorded["status"] == "succeeded"
    assert recorded["executor"] == "external"
    assert recorded["output_version"] == "notebook-model:v1"
    assert recorded["output"] == "notebook-model"
    assert recorded["metrics"] == {"acc": 0.93}
    assert recorded["inputs"][0]["ref"] == pushed["data"]
    shown = sdk.show("notebook-model:v1")
    assert [(link.ref, link.role) for link in shown.inputs] == [(pushed["data"], "train")]
    assert shown.metadata["run"] == {
        "id": run.id,
        "params": {"lr": 0.1, "optimizer": "sgd"},
        "metrics": {"acc": 0.93},
    }

    with pytest.raises(RuntimeError), kamld.start_run(inputs=[pushed["data"]], client=sdk) as failing:
        raise RuntimeError("diverged")
    failed = api.get(f"/runs/{failing.id}").json()
    assert failed["status"] == "failed"
    assert failed["error"] == "RuntimeError: diverged"


def test_the_command_line_trains_lists_shows_logs_and_retries(
    platform: Platform, pushed: dict[str, str], tmp_path: Path
) -> None:
    env = {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(tmp_path)}
    code = ["--code", pushed["code"], "--entrypoint", "python train.py", "--input", f"{pushed['data']}=train"]
    trained = run_cli(
        "train", *code, "--param", "mode=ok", "--output", "cli-model", "--wait", "--json", env=env
    )
    assert trained.exit_code == 0, trained.output
    run = json.loads(trained.stdout)
    assert run["status"] == "succeeded"
    assert run["output_version"] == "cli-model:v1"

    listed = json.loads(run_cli("runs", "ls", "--output", "cli-model", "--json", env=env).stdout)
    assert [item["id"] for item in listed] == [run["id"]]
    shown = run_cli("runs", "show", run["id"], env=env)
    assert "cli-model:v1" in shown.stdout
    assert "loss=0.3333" in shown.stdout
    assert "read 51 rows" in run_cli("runs", "logs", run["id"], env=env).stdout

    crashed = run_cli(
        "train", *code, "--param", "mode=crash", "--output", "cli-crash-model", "--follow", env=env
    )
    assert crashed.exit_code == int(ExitCode.ERROR)
    assert "about to fail" in crashed.stdout  # the followed log
    assert "boom: the data is bad" in crashed.stdout  # and the run's error

    retried = run_cli("runs", "retry", run["id"], "--wait", "--json", env=env)
    assert json.loads(retried.stdout)["output_version"] == "cli-model:v2"
    unknown = run_cli("runs", "show", str(uuid.uuid4()), env=env)
    assert unknown.exit_code == int(ExitCode.NOT_FOUND)
    refused = run_cli("train", "alchemy", "--input", pushed["data"], "--output", "x", env=env)
    assert refused.exit_code == int(ExitCode.USAGE)
    assert "no recipe 'alchemy'" in refused.output


def test_diff_of_two_models_explains_the_change(
    platform: Platform, sdk: kamld.Client, api: httpx.Client, pushed: dict[str, str], tmp_path: Path
) -> None:
    env = {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(tmp_path)}
    data = tmp_path / "rows"
    data.mkdir()
    (data / "rows.csv").write_text("a,b\n" + "".join(f"{n},{n * 3}\n" for n in range(80)))
    newer = sdk.push(data, "rows", kind="dataset")
    older_run = start(api, pushed, "why-model", "ok")
    assert wait_for_run(api, older_run["id"])["status"] == "succeeded"
    body = {
        "code": pushed["code"],
        "entrypoint": ["python", "train.py"],
        "inputs": [f"rows:{newer.name}=train"],
        "params": {"mode": "ok", "lr": 0.5},
        "output": "why-model",
    }
    newer_run = api.post("/runs", json=body).json()
    assert wait_for_run(api, newer_run["id"])["status"] == "succeeded"

    explained = run_cli("diff", "why-model:v1", "why-model:v2", "--json", env=env)
    assert explained.exit_code == 0, explained.output
    training = json.loads(explained.stdout)["training"]
    assert training["runs"] == {"from": older_run["id"], "to": newer_run["id"]}
    assert {"key": "lr", "from": None, "to": 0.5} in training["params"]
    assert {"key": "rows", "from": 51, "to": 81} in training["params"]
    assert training["metrics"] == [{"key": "loss", "from": pytest.approx(1 / 3), "to": pytest.approx(1 / 3)}]
    (changed,) = training["inputs"]
    assert (changed["role"], changed["from"], changed["to"]) == (
        "train",
        pushed["data"],
        f"rows:{newer.name}",
    )
    assert [(c["change"], c["path"]) for c in changed["changes"]] == [("modified", "rows.csv")]
    assert training["code"] == {"from": pushed["code"], "to": pushed["code"], "changed": False}
    shown = run_cli("diff", "why-model:v1", "why-model:v2", env=env).stdout
    assert f"input train: {pushed['data']} -> rows:{newer.name}" in shown
    assert "rows.csv" in shown
    assert "lr" in shown
