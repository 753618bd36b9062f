"""Fluent Bit's parsers (deploy/fluent-bit/parsers.conf) on the services' real log lines.

No Fluent Bit binary runs here, so the test reads the parser definitions and applies them as
Fluent Bit does: the CRI regex around the line, then the JSON parser with its time key and format.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PARSERS = ROOT / "deploy" / "fluent-bit" / "parsers.conf"
CONFIG = ROOT / "deploy" / "fluent-bit" / "fluent-bit.conf"
SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")


def sections(path: Path) -> list[tuple[str, dict[str, str]]]:
    """``[SECTION]`` blocks of a classic Fluent Bit file, each with its ``Key Value`` lines."""
    found: list[tuple[str, dict[str, str]]] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            found.append((line[1:-1], {}))
            continue
        key, _, value = line.partition(" ")
        found[-1][1][key] = value.strip()
    return found


def parser(name: str) -> dict[str, str]:
    return next(body for kind, body in sections(PARSERS) if kind == "PARSER" and body["Name"] == name)


def strptime_format(fluent_format: str) -> str:
    """Fluent Bit's ``%L`` (fraction of a second) is Python's ``%f``."""
    return fluent_format.replace("%L", "%f")


def apply_json_parser(line: str) -> tuple[dict, datetime]:
    rule = parser("kamld_json")
    assert rule["Format"] == "json"
    record = json.loads(line)
    assert isinstance(record, dict)
    moment = datetime.strptime(record[rule["Time_Key"]], strptime_format(rule["Time_Format"]))
    return record, moment


def apply_cri_parser(line: str) -> dict[str, str]:
    rule = parser("kamld_cri")
    regex = re.compile(rule["Regex"].replace("(?<", "(?P<"))
    match = regex.match(line)
    assert match is not None, line
    fields = match.groupdict()
    datetime.strptime(fields[rule["Time_Key"]], strptime_format(rule["Time_Format"]))
    return fields


def test_the_configuration_uses_the_parsers_it_ships() -> None:
    used = {body.get("Parser") for _, body in sections(CONFIG)} - {None}
    defined = {body["Name"] for kind, body in sections(PARSERS) if kind == "PARSER"}
    assert used == {"kamld_cri", "kamld_json"} <= defined


@pytest.mark.integration
def test_every_real_log_line_parses_and_access_lines_carry_their_fields(platform) -> None:
    httpx.get(platform.gateway + "/api/v1/artifacts", headers=platform.auth)
    httpx.get(platform.gateway + "/api/v1/artifacts/no-such-thing", headers=platform.auth)
    httpx.get(platform.gateway + "/api/v1/artifacts", headers={"Authorization": "Bearer kamld_wrong"})
    access: list[dict] = []
    for service in SERVICES:
        lines = [line for line in platform.log(service).splitlines() if line.strip()]
        assert lines, service
        for line in lines:
            cri = apply_cri_parser(f"2026-12-07T10:00:00.123456+00:00 stderr F {line}")
            record, _ = apply_json_parser(cri["log"])
            assert record["service"] == service
            if record.get("logger") == "kamld.access":
                access.append(record)
        assert platform.token not in platform.log(service)
    gateway = [r for r in access if r["service"] == "workbench-api"]
    assert {"method", "route", "status", "duration_ms", "actor", "trace_id"} <= set(gateway[-1])
    statuses = {(r["route"], r["status"], r["actor"]) for r in gateway}
    assert ("/api/v1/artifacts", 200, "kamld-up") in statuses
    assert ("/api/v1/artifacts/{name}", 404, "kamld-up") in statuses
    assert any(r["status"] == 401 and r["actor"] == "anonymous" for r in gateway)
    behind = [r for r in access if r["service"] == "metadata-hub" and r["route"] == "/artifacts"]
    assert behind and behind[-1]["actor"] == "kamld-up"
    assert not any("kamld_wrong" in json.dumps(r) for r in access)
