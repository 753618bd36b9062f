"""JSON log lines carry the service name and, inside a span, its trace and span ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from opentelemetry.sdk.trace import TracerProvider

from kamld_common.logging import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_log_lines_inside_a_span_carry_its_ids(capsys, restore_logging) -> None:
    configure_logging("logging-demo", "info", "json")
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        structlog.get_logger("kamld.test").info("inside", artifact="faces")
        logging.getLogger("some.library").warning("from the standard library")
        context = span.get_span_context()
    structlog.get_logger("kamld.test").info("outside")

    inside, library, outside = json_lines(capsys.readouterr().err)
    expected = {"trace_id": format(context.trace_id, "032x"), "span_id": format(context.span_id, "016x")}
    assert (
        inside["event"] == "inside" and inside["artifact"] == "faces" and inside["service"] == "logging-demo"
    )
    assert {k: inside[k] for k in expected} == expected
    assert library["event"] == "from the standard library" and library["level"] == "warning"
    assert {k: library[k] for k in expected} == expected
    assert outside["event"] == "outside" and "trace_id" not in outside


def test_level_filters_lines(capsys, restore_logging) -> None:
    configure_logging("logging-demo", "warning", "json")
    structlog.get_logger("kamld.test").info("hidden")
    structlog.get_logger("kamld.test").error("shown")
    assert [line["event"] for line in json_lines(capsys.readouterr().err)] == ["shown"]
