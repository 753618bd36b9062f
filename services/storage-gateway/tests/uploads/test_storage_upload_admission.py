"""storage-gateway's upload memory budget, through a real process: an upload beyond the budget
waits for an earlier one instead of adding to its memory, and an upload whose client vanishes
mid-body gives its share back and stores nothing."""

from __future__ import annotations

import random
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from kamld_content.framing import MEDIA_TYPE, frame_header
from kamld_content.hashing import digest_bytes
from kamld_testing.processes import ServiceProcess, env_prefix, running_service

PREFIX = env_prefix("storage-gateway")
BUDGET = 1 << 20


@pytest.fixture(scope="module")
def small_budget_gateway(tmp_path_factory):
    env = {f"{PREFIX}UPLOAD_MEMORY_BYTES": str(BUDGET), f"{PREFIX}MAX_BATCH_BYTES": str(BUDGET)}
    with running_service("storage-gateway", home=tmp_path_factory.mktemp("budget-home"), env=env) as service:
        yield service


def metric(url: str, name: str) -> float:
    for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} is not in /metrics")


def wait_until(condition, what: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def batch_of(seed: int, size: int) -> tuple[str, bytes]:
    data = random.Random(seed).randbytes(size)
    digest = digest_bytes(data)
    return digest, frame_header(digest, len(data)) + data


class HeldUpload:
    """A batch upload whose headers and first half are sent, the rest held back by the test."""

    def __init__(self, service: ServiceProcess, upload_id: str, body: bytes) -> None:
        parts = urlsplit(service.url)
        token = "".join(f"{name}: {value}\r\n" for name, value in service.internal_headers.items())
        self.body = body
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        head = (
            f"POST /uploads/{upload_id}/chunks HTTP/1.1\r\nHost: {parts.netloc}\r\n{token}"
            f"Content-Type: {MEDIA_TYPE}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        self.sock.sendall(head.encode() + body[: len(body) // 2])

    def finish(self) -> bytes:
        self.sock.sendall(self.body[len(self.body) // 2 :])
        answer = b""
        while chunk := self.sock.recv(65536):
            answer += chunk
        self.sock.close()
        return answer

    def vanish(self) -> None:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.sock.close()


def open_upload(client: httpx.Client) -> str:
    response = client.post("/uploads")
    assert response.status_code == 201, response.text
    return response.json()["id"]


def missing(client: httpx.Client, upload_id: str, *digests: str) -> list[str]:
    response = client.post(f"/uploads/{upload_id}/missing", json={"digests": list(digests)})
    assert response.status_code == 200, response.text
    return response.json()["missing"]


@pytest.mark.parametrize("first_upload_ends", ["sent", "client-vanishes"])
def test_an_upload_beyond_the_budget_waits_for_the_one_holding_it(small_budget_gateway, first_upload_ends):
    url = small_budget_gateway.url
    seed = 10 if first_upload_ends == "sent" else 20  # chunks of their own: the gateway is shared
    first_digest, first_body = batch_of(seed, 700 << 10)
    second_digest, second_body = batch_of(seed + 1, 700 << 10)
    with small_budget_gateway.client() as client, ThreadPoolExecutor(1) as pool:
        upload_id = open_upload(client)
        held_before = metric(url, "kamld_storage_upload_bytes_held")
        waits_before = metric(url, "kamld_storage_upload_admission_waits_total")
        first = HeldUpload(small_budget_gateway, upload_id, first_body)
        wait_until(
            lambda: metric(url, "kamld_storage_upload_bytes_held") == held_before + len(first_body),
            "the first upload holds its share",
        )
        second = pool.submit(
            client.post,
            f"/uploads/{upload_id}/chunks",
            content=second_body,
            headers={"Content-Type": MEDIA_TYPE},
        )
        wait_until(
            lambda: metric(url, "kamld_storage_upload_admission_waits_total") == waits_before + 1,
            "the second upload waits for the budget",
        )
        # Together they would hold 1.4 MiB of a 1 MiB budget: the second is not served yet.
        assert not second.done()
        assert metric(url, "kamld_storage_upload_bytes_held") == held_before + len(first_body)
        if first_upload_ends == "sent":
            assert first.finish().startswith(b"HTTP/1.1 200")
        else:
            first.vanish()
        answer = second.result(timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["stored"] == 1
        wait_until(
            lambda: metric(url, "kamld_storage_upload_bytes_held") == held_before, "every share is given back"
        )
        expected_missing = [] if first_upload_ends == "sent" else [first_digest]
        assert missing(client, upload_id, first_digest, second_digest) == expected_missing


def test_a_batch_as_large_as_the_budget_is_served_alone(small_budget_gateway):
    digest, body = batch_of(3, BUDGET - 100)
    with small_budget_gateway.client() as client:
        upload_id = open_upload(client)
        answer = client.post(
            f"/uploads/{upload_id}/chunks", content=body, headers={"Content-Type": MEDIA_TYPE}
        )
        assert answer.status_code == 200, answer.text
        assert missing(client, upload_id, digest) == []
