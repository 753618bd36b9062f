"""The client's one retry policy, against a real HTTP server on loopback that fails on purpose.

API calls (``kamld.Client``) and chunk transfers (``kamld.bulk``) are checked alike: idempotent
calls are repeated after a broken connection or a 429/502/503/504, a POST that reached the server
is not, and the server's ``Retry-After`` sets the wait.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import stamina.instrumentation

from kamld.bulk import ChunkChannel
from kamld.client import Client
from kamld.errors import RateLimited, ServerError, Unavailable, error_from_response
from kamld.transport import SAFE_TO_REPEAT, RetryPolicy
from kamld_testing.loopback import serving
from kamld_testing.processes import free_ports

FAST = RetryPolicy(attempts=4, wait_initial=0.001, wait_max=0.01, wait_jitter=0.001)
DROP = 0
"""In a script, a connection closed without any answer."""


@dataclass
class FlakyServer:
    """Answers each request with the next status of ``script`` (then 200), recording what it got."""

    url: str
    script: list[int]
    retry_after: str | None = None
    seen: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self, method: str) -> int:
        with self.lock:
            self.seen.append(method)
            return self.script.pop(0) if self.script else 200


@pytest.fixture(scope="module")
def flaky_server() -> Iterator[FlakyServer]:
    state = FlakyServer(url="", script=[])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            status = state.next_status(self.command)
            if status == DROP:
                self.close_connection = True
                return
            if status == 200:
                body = json.dumps({"ok": True, "missing": []}).encode()
                content_type = "application/json"
            else:
                body = json.dumps({"code": f"status_{status}", "detail": f"failing with {status}"}).encode()
                content_type = "application/problem+json"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status != 200 and state.retry_after is not None:
                self.send_header("Retry-After", state.retry_after)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = answer  # noqa: N815 - the http.server API

        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        state.url = url
        yield state


@pytest.fixture
def flaky(flaky_server: FlakyServer) -> FlakyServer:
    """The server, with an empty script and record."""
    flaky_server.script, flaky_server.seen, flaky_server.retry_after = [], [], None
    return flaky_server


@pytest.fixture
def unused_port() -> int:
    return free_ports(1)[0]


def client_of(server: FlakyServer, policy: RetryPolicy = FAST) -> Client:
    return Client(server.url, token="t", retry=policy)


@pytest.mark.parametrize("failures", [[503, 503], [502, 504, 429], [DROP, DROP]])
def test_a_get_that_fails_then_succeeds_is_repeated_until_it_succeeds(flaky, failures):
    flaky.script = list(failures)
    with client_of(flaky) as client:
        assert client.call("GET", "/api/v1/anything") == {"ok": True, "missing": []}
    assert flaky.seen == ["GET"] * (len(failures) + 1)


def test_a_put_is_repeated_like_a_get(flaky):
    flaky.script = [503]
    with client_of(flaky) as client:
        client.call("PUT", "/api/v1/artifacts/pets/aliases/prod", json={"version": "v1"})
    assert flaky.seen == ["PUT", "PUT"]


def test_a_get_that_keeps_failing_gives_up_after_the_policy_s_attempts_with_the_typed_error(flaky):
    flaky.script = [503] * 10
    with client_of(flaky) as client, pytest.raises(Unavailable, match="failing with 503"):
        client.call("GET", "/api/v1/anything")
    assert flaky.seen == ["GET"] * FAST.attempts


def test_a_post_that_reached_the_server_is_not_repeated(flaky):
    flaky.script = [503, 503]
    with client_of(flaky) as client, pytest.raises(Unavailable):
        client.call("POST", "/api/v1/artifacts/pets/versions", json={"digest": "d"})
    assert flaky.seen == ["POST"]


def test_a_post_marked_safe_to_repeat_is_repeated(flaky):
    flaky.script = [503, DROP]
    with client_of(flaky) as client:
        client.http.post("/api/v1/content/chunks/grant", extensions=SAFE_TO_REPEAT)
    assert flaky.seen == ["POST"] * 3


def test_a_post_whose_connection_broke_is_not_repeated(flaky):
    flaky.script = [DROP]
    with client_of(flaky) as client, pytest.raises(Exception, match="connection"):
        client.call("POST", "/api/v1/artifacts", json={"name": "pets"})
    assert flaky.seen == ["POST"]


def test_a_client_error_is_never_repeated(flaky):
    flaky.script = [404, 500]
    with client_of(flaky) as client, pytest.raises(Exception, match="failing with 404"):
        client.call("GET", "/api/v1/artifacts/nope")
    with client_of(flaky) as client, pytest.raises(ServerError, match="failing with 500"):
        client.call("GET", "/api/v1/artifacts/nope")
    assert flaky.seen == ["GET", "GET"]


def test_a_post_to_a_platform_that_is_not_listening_is_repeated_and_then_says_so(unused_port):
    """A refused connection never carried the request, so even a POST is tried again."""
    attempts: list[str] = []
    policy = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.01, wait_jitter=0.001)
    with Client(f"http://127.0.0.1:{unused_port}", token="t", retry=policy) as client:
        client.http.event_hooks["request"].append(lambda request: attempts.append(request.method))
        with pytest.raises(Exception, match="cannot reach KAML-D"):
            client.call("POST", "/api/v1/artifacts", json={"name": "pets"})
    assert attempts == ["POST"] * 3


def test_chunk_transfers_follow_the_same_policy(flaky):
    """``missing`` is a POST safe to repeat: the channel repeats it after a 502 and a lost connection."""
    flaky.script = [502, DROP]
    with ChunkChannel(flaky.url, {}, retry=FAST) as channel:
        assert channel.missing("upload-1", ["d1"]) == []
    assert flaky.seen == ["POST"] * 3


def test_chunk_transfers_give_up_with_the_typed_error(flaky):
    flaky.script = [503] * 10
    with ChunkChannel(flaky.url, {}, retry=FAST) as channel, pytest.raises(Unavailable):
        channel.missing("upload-1", ["d1"])
    assert len(flaky.seen) == FAST.attempts


def test_a_channel_beside_a_client_takes_the_client_s_policy(flaky):
    with client_of(flaky) as client, ChunkChannel.beside(client.http, "/api/v1") as channel:
        assert channel.retry is FAST


def test_the_server_s_retry_after_is_read_and_capped(flaky):
    flaky.script = [429] * 10
    flaky.retry_after = "7"
    policy = RetryPolicy(attempts=1)
    with client_of(flaky, policy) as client, pytest.raises(RateLimited) as refused:
        client.call("GET", "/api/v1/anything")
    assert refused.value.retry_after == 7.0
    assert policy.worth_repeating(refused.value, idempotent=True) == 7.0
    assert RetryPolicy(retry_after_max=2.0).worth_repeating(refused.value, idempotent=True) == 2.0
    assert policy.worth_repeating(refused.value, idempotent=False) is False


def test_a_retry_after_date_in_the_past_means_no_wait():
    response = httpx.Response(
        503,
        headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
        request=httpx.Request("GET", "http://k/api/v1/x"),
    )
    assert error_from_response(response).retry_after == 0.0


def test_the_server_s_retry_after_sets_the_wait_between_tries(flaky):
    flaky.script = [503, 503]
    flaky.retry_after = "0"
    waits = record_waits()
    slow = RetryPolicy(attempts=3, wait_initial=30.0, wait_max=30.0, wait_jitter=0.0)
    try:
        with client_of(flaky, slow) as client:
            client.call("GET", "/api/v1/anything")
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert waits == [0.0, 0.0]


def test_waits_are_jittered(flaky):
    """Two clients failing alike do not wait alike: each wait gets its own random share."""
    waits = record_waits()
    jittery = RetryPolicy(attempts=4, wait_initial=0.001, wait_max=1.0, wait_jitter=0.01)
    try:
        for _ in range(2):
            flaky.script = [503, 503, 503]
            with client_of(flaky, jittery) as client:
                client.call("GET", "/api/v1/anything")
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert len(waits) == 6
    assert all(0.001 <= wait <= 0.015 for wait in waits)
    assert len(set(waits)) > 1


def record_waits() -> list[float]:
    waits: list[float] = []
    stamina.instrumentation.set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    return waits


def test_api_calls_that_succeed_load_neither_stamina_nor_urllib3(flaky):
    """Each costs tens of milliseconds at start; a command whose calls succeed needs neither."""
    probe = (
        "import sys; from kamld.client import Client; "
        f"Client({flaky.url!r}, token='t').call('GET', '/api/v1/anything'); "
        "print(sorted(name for name in ('stamina', 'urllib3') if name in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_command_line_reports_each_retry_as_one_plain_line_on_stderr(flaky, capsys):
    """Not stamina's bare event name, and never on stdout, where ``--json`` answers go."""
    from kamld.cli import _report_retries
    from kamld.transport import report_retries

    try:
        _report_retries()
        flaky.script[:] = [503]
        with Client(flaky.url, token="t", retry=FAST) as client:
            client.http.get("/api/v1/artifacts")
    finally:
        report_retries(None)
        stamina.instrumentation.set_on_retry_hooks(None)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kamld: retry 1 in ") and "503" in lines[0], lines
    assert "retry" not in captured.out
