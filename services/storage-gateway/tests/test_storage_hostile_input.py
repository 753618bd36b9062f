"""Paths storage-gateway must refuse itself, sent exactly as written (httpx would resolve ``..``)."""

from __future__ import annotations

import http.client
import json

import pytest

from kamld_testing.processes import ServiceProcess


def send(service: ServiceProcess, method: str, target: str, body: bytes | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers=service.internal_headers)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["a%FFb", "x/%C0%AF", "%ED%B0%80", "a/../b", "./a", "a/%2e%2e/b"])
def test_an_uploaded_file_path_that_is_not_valid_utf8_or_has_dot_segments_is_refused(gateway, path) -> None:
    status, session = send(gateway, "POST", "/uploads")
    assert status == 201, session
    status, problem = send(gateway, "PUT", f"/uploads/{session['id']}/files/{path}", b"data")
    assert (status, problem["code"]) == (422, "invalid_path"), problem
    assert path in problem["detail"]


def test_a_manifest_file_path_with_dot_segments_is_refused(gateway) -> None:
    digest = "blake3:" + "0" * 64
    status, problem = send(gateway, "GET", f"/manifests/{digest}/files/a/../b")
    assert (status, problem["code"]) == (422, "invalid_path")


def test_a_grace_period_too_large_to_compute_with_is_refused(gateway) -> None:
    status, problem = send(gateway, "POST", "/gc?dry_run=true&grace_s=100000000000")
    assert status == 422, problem
    assert problem["errors"][0]["loc"][-1] == "grace_s"
