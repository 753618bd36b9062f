"""The process helpers every service's tests start real services with."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kamld_testing.processes import ServiceFailedToStart, free_ports, running_service


def test_free_ports_are_distinct_and_bindable() -> None:
    ports = free_ports(5)
    assert len(set(ports)) == 5
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_service_that_exits_fails_with_the_end_of_its_log(tmp_path: Path) -> None:
    broken = {"KAMLD_METADATA_HUB_DATABASE_URL": "nosuchdriver://nowhere/db"}
    with pytest.raises(ServiceFailedToStart) as caught:
        with running_service("metadata-hub", home=tmp_path, env=broken, ready_timeout_s=60):
            pass
    message = str(caught.value)
    assert message.startswith("metadata-hub exited with ")
    assert "nosuchdriver" in message  # the log tail says what went wrong
    assert (tmp_path / "metadata-hub.log").is_file()
