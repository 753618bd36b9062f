"""Limits before work, against a real gateway process (two workers) over real sockets: the token is
checked before a body is read, headers and bodies are held to their limits, slow clients are cut
off, tokens are paced, and /metrics is closed to anonymous callers.

Raw sockets stand in for clients no HTTP library lets us be: one that never finishes its headers,
one that stalls in its body, one that sends a header of many megabytes.
"""

from __future__ import annotations

import json
import secrets
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from kamld_testing.processes import running_service, stop_services

from .conftest import Gateway, push_files, start_services

HEADER_TIMEOUT_S = 1
BODY_IDLE_TIMEOUT_S = 1
MAX_HEADER_BYTES = 32_768
MAX_JSON_BODY_BYTES = 65_536
MAX_STREAMED_BODY_BYTES = 4_194_304
METADATA_MAX_BYTES = 16_384
METRICS_TOKEN = "metrics-" + secrets.token_urlsafe(24)
ANSWER_WAIT_S = 10.0
"""How long a test waits for an answer the gateway owes; far beyond every limit set here."""


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    prefix = "KAMLD_WORKBENCH_API_"
    gateway = start_services(
        tmp_path_factory.mktemp("kamld-limits"),
        {
            prefix + "WORKERS": "2",
            prefix + "HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
            prefix + "BODY_IDLE_TIMEOUT_S": str(BODY_IDLE_TIMEOUT_S),
            prefix + "MAX_HEADER_BYTES": str(MAX_HEADER_BYTES),
            prefix + "MAX_JSON_BODY_BYTES": str(MAX_JSON_BODY_BYTES),
            prefix + "MAX_STREAMED_BODY_BYTES": str(MAX_STREAMED_BODY_BYTES),
            prefix + "RATE_LIMIT_PER_S": "1",
            prefix + "RATE_LIMIT_BURST": "30",
            prefix + "METRICS_TOKEN": METRICS_TOKEN,
            prefix + "METADATA_MAX_BYTES": str(METADATA_MAX_BYTES),
        },
    )
    yield gateway
    stop_services(*gateway.services.values())


def connect(gateway: Gateway) -> socket.socket:
    host, port = gateway.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=ANSWER_WAIT_S)
    return sock


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one answer; raises TimeoutError if none comes."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise ConnectionError(f"closed without an answer; got {data[:200]!r}")
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        body += piece
    return status, headers, body


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def wait_for_log(gateway: Gateway, service: str, needle: str) -> str:
    """The lines of ``service``'s log that mention ``needle``, once one does (they follow the answer)."""
    deadline = time.monotonic() + ANSWER_WAIT_S
    while True:
        text = gateway.services[service].log_path.read_text()
        lines = [line for line in text.splitlines() if needle in line]
        if lines or time.monotonic() > deadline:
            start = text.find(lines[0]) if lines else len(text)
            return text[start:]
        time.sleep(0.1)


def request_head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: gateway", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_an_anonymous_malformed_json_body_is_refused_401_not_422(limited: Gateway) -> None:
    answer = httpx.post(
        limited.url + "/api/v1/artifacts", content=b"{", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "token_required"


def test_an_anonymous_body_is_refused_before_a_byte_of_it_is_sent(limited: Gateway) -> None:
    with connect(limited) as sock:
        sock.sendall(
            request_head(
                "POST",
                "/api/v1/artifacts",
                {"Content-Type": "application/json", "Content-Length": str(400 * 1024 * 1024)},
            )
        )
        status, headers, body = read_answer(sock)
        assert status == 401, body
        assert headers.get("connection") == "close"
        assert closed_by_server(sock)


def test_a_wrong_token_is_refused_before_its_body_is_read(limited: Gateway) -> None:
    with connect(limited) as sock:
        sock.sendall(
            request_head(
                "POST",
                "/api/v1/artifacts",
                {
                    "Authorization": "Bearer kamld_wrong",
                    "Content-Type": "application/json",
                    "Content-Length": "1000",
                },
            )
        )
        status, _, body = read_answer(sock)
        assert status == 401, body
        assert json.loads(body)["code"] == "token_invalid"


def test_a_header_over_the_limit_is_refused_431_before_it_is_all_sent(limited: Gateway) -> None:
    """A 64 MiB header: the gateway answers 431 and closes, so the client cannot finish sending it."""
    header = b"X-Big: " + b"a" * (64 * 1024 * 1024)
    with connect(limited) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n")
        try:
            sock.sendall(header)
            sent_all = True
        except (BrokenPipeError, ConnectionResetError):
            sent_all = False
        try:
            status, _, body = read_answer(sock)
        except (ConnectionError, OSError):
            status, body = None, b""
        assert not sent_all, "the gateway read a 64 MiB header to its end"
        if status is not None:
            assert status == 431
            problem = json.loads(body)
            assert problem["limit_bytes"] == MAX_HEADER_BYTES
            assert str(MAX_HEADER_BYTES) in problem["detail"]


def test_a_header_over_the_limit_gets_431_naming_the_limit(limited: Gateway) -> None:
    with connect(limited) as sock:
        sock.sendall(request_head("GET", "/healthz", {"X-Big": "a" * (MAX_HEADER_BYTES + 1000)}))
        status, headers, body = read_answer(sock)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["code"] == "headers_too_large"
    assert problem["limit_bytes"] == MAX_HEADER_BYTES


def test_headers_within_the_limit_are_served(limited: Gateway) -> None:
    answer = httpx.get(limited.url + "/healthz", headers={"X-Padding": "a" * (MAX_HEADER_BYTES // 2)})
    assert answer.status_code == 200


def test_a_client_that_never_finishes_its_headers_is_cut_off(limited: Gateway) -> None:
    with connect(limited) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Slow: ")
        status, headers, body = read_answer(sock)
        assert status == 408, body
        assert json.loads(body)["code"] == "header_timeout"
        assert closed_by_server(sock)


def test_a_connection_that_sends_nothing_is_closed(limited: Gateway) -> None:
    with connect(limited) as sock:
        status, _, body = read_answer(sock)
        assert status == 408, body
        assert closed_by_server(sock)


def test_a_stalled_body_is_cut_off(limited: Gateway) -> None:
    token = limited.token("editor")
    with connect(limited) as sock:
        sock.sendall(
            request_head(
                "POST",
                "/api/v1/artifacts",
                {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Content-Length": "100",
                },
            )
            + b'{"name": '
        )
        status, _, body = read_answer(sock)
        assert status == 408, body
        assert json.loads(body)["code"] == "body_timeout"
        assert closed_by_server(sock)


def test_a_stalled_streamed_body_is_cut_off(limited: Gateway) -> None:
    token = limited.token("editor")
    with limited.client(token) as client:
        upload = client.post("/api/v1/uploads").raise_for_status().json()["id"]
    with connect(limited) as sock:
        sock.sendall(
            request_head(
                "PUT",
                f"/api/v1/uploads/{upload}/files/slow.bin",
                {"Authorization": f"Bearer {token}", "Content-Length": "1000000"},
            )
            + b"x" * 1000
        )
        status, _, body = read_answer(sock)
        assert status == 408, body
        assert closed_by_server(sock)
    # A client cut off for stalling is logged in one line, without an error's traceback, by the
    # gateway and by storage-gateway, whose upload the gateway abandons.
    for service in ("workbench-api", "storage-gateway"):
        log = wait_for_log(limited, service, f"/{upload}/files/slow.bin")
        assert "client_disconnected" in log and "Traceback" not in log, log[-3000:]


def test_a_json_body_over_the_limit_gets_413_naming_it_before_it_is_sent(limited: Gateway) -> None:
    token = limited.token("editor")
    with connect(limited) as sock:
        sock.sendall(
            request_head(
                "POST",
                "/api/v1/artifacts",
                {
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Content-Length": str(MAX_JSON_BODY_BYTES + 1),
                },
            )
        )
        status, headers, body = read_answer(sock)
    assert status == 413
    problem = json.loads(body)
    assert problem["code"] == "body_too_large"
    assert problem["limit_bytes"] == MAX_JSON_BODY_BYTES
    assert str(MAX_JSON_BODY_BYTES) in problem["detail"]


def test_a_chunked_json_body_over_the_limit_gets_413(limited: Gateway) -> None:
    token = limited.token("editor")

    def pieces() -> Iterator[bytes]:
        yield b'{"name": "x", "description": "'
        for _ in range(MAX_JSON_BODY_BYTES // 4096 + 2):
            yield b"a" * 4096
        yield b'"}'

    with limited.client(token) as client:
        answer = client.post(
            "/api/v1/artifacts", content=pieces(), headers={"content-type": "application/json"}
        )
    assert answer.status_code == 413, answer.text
    assert answer.json()["limit_bytes"] == MAX_JSON_BODY_BYTES


def test_streamed_routes_take_bodies_beyond_the_json_limit_up_to_their_own(limited: Gateway) -> None:
    token = limited.token("editor")
    name = f"limits-{secrets.token_hex(4)}"
    big = secrets.token_bytes(MAX_JSON_BODY_BYTES * 8)
    with limited.client(token) as client:
        version = push_files(client, name, {"big.bin": big}, kind="dataset")
        assert version["number"] == 1
        upload = client.post("/api/v1/uploads").raise_for_status().json()["id"]

        def too_much() -> Iterator[bytes]:
            piece = b"z" * 65536
            for _ in range(MAX_STREAMED_BODY_BYTES // len(piece) + 2):
                yield piece

        answer = client.put(f"/api/v1/uploads/{upload}/files/huge.bin", content=too_much())
    assert answer.status_code == 413, answer.text
    assert answer.json()["limit_bytes"] == MAX_STREAMED_BODY_BYTES


def test_metadata_too_deep_too_large_or_not_plain_json_is_refused_naming_it(limited: Gateway) -> None:
    token = limited.token("editor")
    name = f"meta-{secrets.token_hex(4)}"
    with limited.client(token) as client:
        push_files(client, name, {"a.txt": b"a"}, kind="dataset")
        upload = client.post("/api/v1/uploads").raise_for_status().json()["id"]
        client.put(f"/api/v1/uploads/{upload}/files/b.txt", content=b"b").raise_for_status()
        digest = (
            client.post(
                f"/api/v1/uploads/{upload}/commit",
                content=b"",
                headers={"Content-Type": "application/x-ndjson"},
            )
            .raise_for_status()
            .json()["digest"]
        )
        deep: object = 1
        for _ in range(40):
            deep = [deep]
        answer = client.post(
            f"/api/v1/artifacts/{name}/versions", json={"digest": digest, "metadata": {"d": deep}}
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "metadata_too_deep"
        assert answer.json()["errors"][0]["loc"] == ["body", "metadata"]
        answer = client.post(
            f"/api/v1/artifacts/{name}/versions",
            content=b'{"digest": "' + digest.encode() + b'", "metadata": {"x": NaN}}',
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["loc"] == ["body", "metadata"]
        big = {"notes": "n" * METADATA_MAX_BYTES}
        answer = client.post(f"/api/v1/artifacts/{name}/versions", json={"digest": digest, "metadata": big})
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "metadata_too_large"
        assert answer.json()["limit_bytes"] == METADATA_MAX_BYTES
        answer = client.post(
            f"/api/v1/artifacts/{name}/versions", json={"digest": digest, "metadata": {"ok": [1]}}
        )
        assert answer.status_code == 201, answer.text


def test_a_json_body_nested_beyond_the_parser_is_a_client_error(limited: Gateway) -> None:
    token = limited.token("editor")
    deep = b"[" * 30_000 + b"]" * 30_000
    with limited.client(token) as client:
        answer = client.post("/api/v1/artifacts", content=deep, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text


def test_a_token_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected(limited: Gateway) -> None:
    busy, other = limited.token("viewer"), limited.token("viewer")
    statuses = []
    with limited.client(busy) as client:
        for _ in range(40):
            answer = client.get("/api/v1/artifacts")
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                limited_answer = answer
    assert statuses[:30] == [200] * 30
    assert 429 in statuses
    assert int(limited_answer.headers["retry-after"]) >= 1
    assert limited_answer.json()["code"] == "rate_limited"
    assert limited_answer.json()["limit_per_s"] == 1
    with limited.client(other) as client:
        assert client.get("/api/v1/artifacts").status_code == 200


def test_metrics_need_an_admin_token_or_the_metrics_token(limited: Gateway) -> None:
    url = limited.url + "/metrics"
    assert httpx.get(url).status_code == 401
    viewer = limited.token("viewer")
    assert httpx.get(url, headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    for secret in (limited.admin_token, METRICS_TOKEN):
        answer = httpx.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 200
        assert "http_requests_total" in answer.text or "process_" in answer.text
    # The metrics token opens /metrics and nothing else.
    assert (
        httpx.get(
            limited.url + "/api/v1/artifacts", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        ).status_code
        == 401
    )


def test_probes_and_the_api_description_stay_open(limited: Gateway) -> None:
    for path in ("/healthz", "/api/v1/openapi.json"):
        assert httpx.get(limited.url + path).status_code == 200, path
    # Ready or not (trainer and observation-hub are not run here), readiness answers without a token.
    assert httpx.get(limited.url + "/readyz").status_code in (200, 503)


def test_internal_services_share_the_connection_limits(tmp_path) -> None:  # noqa: ANN001
    """The guarded protocol is in the serving code every service runs, not only in the gateway."""
    with running_service(
        "metadata-hub", home=tmp_path, env={"KAMLD_METADATA_HUB_MAX_HEADER_BYTES": str(MAX_HEADER_BYTES)}
    ) as hub:
        with socket.create_connection(("127.0.0.1", hub.port), timeout=ANSWER_WAIT_S) as sock:
            sock.sendall(request_head("GET", "/healthz", {"X-Big": "a" * (MAX_HEADER_BYTES + 1000)}))
            status, _, body = read_answer(sock)
    assert status == 431, body
    assert json.loads(body)["limit_bytes"] == MAX_HEADER_BYTES


def test_the_sdk_waits_out_a_rate_limit_as_retry_after_asks(limited: Gateway) -> None:
    import kamld

    with kamld.Client(limited.url, limited.token("viewer")) as client:
        for _ in range(34):
            client.call("GET", "/api/v1/artifacts")
