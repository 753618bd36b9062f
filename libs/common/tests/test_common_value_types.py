"""The value rules the OpenAPI documents state and pydantic's lax mode would bend."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from kamld_common.json_numbers import JsonInt
from kamld_common.patterns import WEBHOOK_URL
from kamld_common.timestamps import IsoDateTime


@pytest.mark.parametrize("value", ["0.5", "1700000000", " 17 ", 1700000000, 1.5, "1e9"])
def test_a_number_is_not_a_time(value: object) -> None:
    with pytest.raises(ValidationError, match="ISO 8601"):
        TypeAdapter(IsoDateTime).validate_python(value)


def test_an_iso_time_with_a_zone_is_read() -> None:
    read = TypeAdapter(IsoDateTime).validate_python("2026-12-07T09:30:00+01:00")
    assert read.utcoffset() is not None and read.hour == 9


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDateTime).validate_python("2026-12-07T09:30:00")


def test_an_integer_is_a_number_without_fraction_and_never_a_boolean() -> None:
    adapter = TypeAdapter(JsonInt)
    assert adapter.validate_json("3") == 3 and adapter.validate_json("3.0") == 3
    for text in ("false", "true", "3.5"):
        with pytest.raises(ValidationError):
            adapter.validate_json(text)


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://ci.example.com/hook?x=1", True),
        ("http://user:secret@10.0.0.7:8080/", True),
        ("http://xn--bcher-kva.example/", True),
        ("http://bücher.example/", False),
        ("http://example.com/caf\u00e9", False),
        ("http://example.com/caf%C3%A9", True),
        ("http://[::1]/", False),
        ("http://:80/", False),
        ("ftp://example.com/", False),
        ("http://", False),
    ],
)
def test_webhook_urls_are_ascii_http_with_a_host(url: str, valid: bool) -> None:
    assert bool(re.match(WEBHOOK_URL, url)) is valid
