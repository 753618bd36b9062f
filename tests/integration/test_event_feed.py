"""The activity feed end to end: every mutation is recorded once, in order, even across a SIGKILL."""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

import kamld
from kamld_testing.events import DEADLINE_S, feed, wait_for_feed, wait_restarted

pytestmark = pytest.mark.integration


def digest() -> str:
    return "blake3:" + secrets.token_hex(32)


def test_every_kind_of_change_is_in_the_feed_with_actor_before_after_and_trace(
    platform, tmp_path: Path
) -> None:
    name = "feed-" + secrets.token_hex(4)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("one")
    with kamld.Client(platform.gateway, platform.token) as client:
        client.push(tmp_path / "data", name, kind="dataset", message="first")
        (tmp_path / "data" / "a.txt").write_text("two")
        client.push(tmp_path / "data", name, message="second")
        client.alias_set(name, "production", "v1")
        client.alias_set(name, "production", "v2")
        client.alias_delete(name, "production")
    auth = platform.auth
    edited = httpx.patch(
        f"{platform.gateway}/api/v1/artifacts/{name}", json={"description": "faces"}, headers=auth
    )
    assert edited.status_code == 200, edited.text
    assert httpx.post(f"{platform.gateway}/api/v1/artifacts/{name}/archive", headers=auth).status_code == 200

    events = wait_for_feed(platform, 8, artifact=name)
    assert [e["type"] for e in events] == [
        "artifact.created",
        "version.committed",
        "version.committed",
        "alias.set",
        "alias.set",
        "alias.removed",
        "artifact.edited",
        "artifact.archived",
    ]
    assert {e["actor"] for e in events} == {"kamld-up"}
    assert all(e["trace_id"] and len(e["trace_id"]) == 32 for e in events)
    assert events[2]["subject"] == f"{name}:v2"
    assert events[2]["before"] == {"latest": f"{name}:v1"}
    assert events[4]["before"]["version"] == f"{name}:v1" and events[4]["after"]["version"] == f"{name}:v2"
    assert events[5]["after"] is None
    assert events[6]["after"]["description"] == "faces"
    assert len({e["event_id"] for e in events}) == len(events)

    only_moves = feed(platform, artifact=name, type="alias.set")
    assert [e["after"]["version"] for e in only_moves] == [f"{name}:v1", f"{name}:v2"]


def test_kamld_events_lists_an_artifacts_history(platform, kamld_cli) -> None:
    name = "cli-" + secrets.token_hex(4)
    hub = httpx.Client(base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=30)
    assert hub.post(f"/artifacts/{name}/versions", json=_version(kind="dataset")).status_code == 201
    wait_for_feed(platform, 2, artifact=name)
    listed = kamld_cli("events", "--artifact", name, "--json", home=platform.home)
    assert listed.returncode == 0, listed.stderr
    assert [e["type"] for e in json.loads(listed.stdout)] == ["version.committed", "artifact.created"]
    table = kamld_cli("events", "--artifact", name, "--type", "artifact.created", home=platform.home)
    assert (
        table.returncode == 0
        and "artifact.created" in table.stdout
        and "version.committed" not in table.stdout
    )
    bad = kamld_cli("events", "--type", "nope", home=platform.home)
    assert bad.returncode != 0 and "type" in bad.stderr


def test_token_changes_are_recorded(platform) -> None:
    token = "feed-" + secrets.token_hex(4)
    created = httpx.post(
        platform.gateway + "/api/v1/tokens", json={"name": token, "role": "viewer"}, headers=platform.auth
    )
    assert created.status_code == 201, created.text
    assert httpx.delete(f"{platform.gateway}/api/v1/tokens/{token}", headers=platform.auth).status_code == 204
    deadline = time.monotonic() + DEADLINE_S
    events: list[dict] = []
    while len(events) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
        events = [e for e in feed(platform, actor="kamld-up") if e["subject"] == f"token:{token}"]
    assert [e["type"] for e in events] == ["token.created", "token.revoked"]
    assert "secret" not in json.dumps(events) and created.json()["token"] not in json.dumps(events)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"type": "version.created"}, "type"), ({"since": "yesterday"}, "since"), ({"after": "x"}, "after")],
)
def test_malformed_filters_are_refused_naming_the_field(platform, params: dict, field: str) -> None:
    response = httpx.get(platform.gateway + "/api/v1/events", params=params, headers=platform.auth)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.text


def test_the_feed_needs_a_token(platform) -> None:
    assert httpx.get(platform.gateway + "/api/v1/events").status_code == 401


def test_the_live_stream_sends_new_events_in_order(platform) -> None:
    name = "live-" + secrets.token_hex(4)
    hub = httpx.Client(base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=30)
    for _ in range(3):
        assert hub.post(f"/artifacts/{name}/versions", json=_version(kind="model")).status_code == 201
    received: list[kamld.Event] = []

    def follow() -> None:
        with kamld.Client(platform.gateway, platform.token) as client:
            for event in client.follow_events(artifact=name, type="alias.set"):
                received.append(event)
                if len(received) == 3:
                    return

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    time.sleep(1.5)  # the stream starts after the newest event: let it open before the changes
    for version in ("v1", "v3", "v2"):
        assert hub.put(f"/artifacts/{name}/aliases/prod", json={"version": version}).status_code == 200
    reader.join(timeout=DEADLINE_S)
    assert [event.after["version"] for event in received] == [f"{name}:v1", f"{name}:v3", f"{name}:v2"]


def _version(kind: str | None = None) -> dict:
    body: dict = {"digest": digest(), "file_count": 1, "total_bytes": 1, "allow_empty": True}
    if kind:
        body["kind"] = kind
    return body


def test_observation_hub_killed_during_mutations_loses_and_doubles_nothing(kamld_up) -> None:
    """Writers move aliases on several artifacts while observation-hub is SIGKILLed twice; once it is
    back, the feed holds every change exactly once, each artifact's in the order it happened."""
    platform = kamld_up()
    artifacts, moves = 6, 30
    hub = httpx.Client(base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=60)
    names = [f"kill-{n}" for n in range(artifacts)]
    for name in names:
        for _ in range(3):
            assert hub.post(f"/artifacts/{name}/versions", json=_version(kind="dataset")).status_code == 201
    done: dict[str, list[str]] = defaultdict(list)
    failures: list[str] = []

    def mutate(name: str) -> None:
        with httpx.Client(
            base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=60
        ) as c:
            for n in range(moves):
                version = f"v{n % 3 + 1}"
                answer = c.put(f"/artifacts/{name}/aliases/prod", json={"version": version})
                if answer.status_code != 200:
                    failures.append(answer.text)
                    return
                done[name].append(f"{name}:{version}")

    writers = [threading.Thread(target=mutate, args=(name,)) for name in names]
    for writer in writers:
        writer.start()
    for _ in range(2):
        time.sleep(1.0)
        killed = platform.pids()["observation-hub"]
        os.kill(killed, signal.SIGKILL)
        wait_restarted(platform, "observation-hub", killed)
    for writer in writers:
        writer.join()
    assert not failures, failures[:3]

    expected = artifacts * (3 + 1 + moves)  # versions, the artifact's creation, alias moves
    deadline = time.monotonic() + DEADLINE_S
    events: list[dict] = []
    while time.monotonic() < deadline:
        try:
            events = [e for name in names for e in feed(platform, artifact=name)]
        except httpx.HTTPError:
            events = []
        if len(events) >= expected:
            break
        time.sleep(0.5)
    assert len(events) == expected
    assert len({e["event_id"] for e in events}) == expected
    for name in names:
        moved = [e["after"]["version"] for e in events if e["artifact"] == name and e["type"] == "alias.set"]
        assert moved == done[name]


def test_webhook_receiver_down_blocks_nothing_and_gets_every_event_in_order_when_back(
    platform, kamld_cli, unused_ports
) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kamld_testing.loopback import serving

    name = "hook-" + secrets.token_hex(4)
    (port,) = unused_ports(1)
    added = kamld_cli(
        "webhook", "add", f"http://127.0.0.1:{port}/in", "--artifact", name, "--json", home=platform.home
    )
    assert added.returncode == 0, added.stderr
    hook = json.loads(added.stdout)
    assert hook["secret"].startswith("whsec_")
    hub = httpx.Client(base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=30)
    for _ in range(3):
        assert hub.post(f"/artifacts/{name}/versions", json=_version(kind="dataset")).status_code == 201
    moves = [f"v{n % 3 + 1}" for n in range(12)]
    for version in moves:  # the receiver is down: every change still goes through
        assert hub.put(f"/artifacts/{name}/aliases/prod", json={"version": version}).status_code == 200
    assert len(wait_for_feed(platform, 16, artifact=name)) == 16
    time.sleep(2.0)  # the dispatcher tries the receiver, which is still down
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            from kamld_observation_hub.webhooks.signing import verify

            assert verify(hook["secret"], self.headers["X-Kamld-Signature"], body, int(time.time()))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", port), Handler)):
        deadline = time.monotonic() + DEADLINE_S
        while len(received) < 3 + 1 + len(moves) and time.monotonic() < deadline:
            time.sleep(0.3)
    assert [e["type"] for e in received[:4]] == ["artifact.created"] + ["version.committed"] * 3
    assert [e["after"]["version"] for e in received[4:]] == [f"{name}:{v}" for v in moves]
    log = kamld_cli("webhook", "deliveries", str(hook["id"]), "--json", "-n", "100", home=platform.home)
    assert log.returncode == 0, log.stderr
    deliveries = json.loads(log.stdout)
    assert len(deliveries) == 16 and {d["status"] for d in deliveries} == {"delivered"}
    assert max(d["attempts"] for d in deliveries) > 1  # the first one was retried while the receiver was down
    listed = kamld_cli("webhook", "ls", "--json", home=platform.home)
    assert hook["id"] in [h["id"] for h in json.loads(listed.stdout)]
    assert kamld_cli("webhook", "rm", str(hook["id"]), home=platform.home).returncode == 0


def test_bad_webhooks_are_refused_naming_the_field(platform) -> None:
    for body, field in (({"url": "ftp://x"}, "url"), ({"url": "http://x", "types": ["nope"]}, "types")):
        answer = httpx.post(platform.gateway + "/api/v1/webhooks", json=body, headers=platform.auth)
        assert answer.status_code == 422, answer.text
        assert field in answer.text
