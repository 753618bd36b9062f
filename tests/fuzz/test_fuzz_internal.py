"""Each internal service's API where it serves it, fuzzed with the internal token (see ``conftest.py``)."""

from __future__ import annotations

import pytest

from kamld.supervisor import INTERNAL_TOKEN_FILE
from kamld_common.http import INTERNAL_TOKEN_HEADER
from kamld_testing.platform import Platform

from .conftest import FUZZ_TIMEOUT_S, Fuzz

pytestmark = [pytest.mark.integration, pytest.mark.timeout(FUZZ_TIMEOUT_S)]

INTERNAL = ("metadata-hub", "storage-gateway", "trainer", "observation-hub")


@pytest.mark.parametrize("service", INTERNAL)
def test_internal_api_survives_fuzzing(fuzzed_platform: Platform, service: str, fuzz: Fuzz) -> None:
    url = fuzzed_platform.urls[service]
    token = (fuzzed_platform.home / INTERNAL_TOKEN_FILE).read_text().strip()
    fuzz(url + "/openapi.json", url, {INTERNAL_TOKEN_HEADER: token})
