"""The public API behind the gateway, fuzzed with the admin token (see ``conftest.py``)."""

from __future__ import annotations

import pytest

from kamld_testing.platform import Platform

from .conftest import FUZZ_TIMEOUT_S, Fuzz

pytestmark = [pytest.mark.integration, pytest.mark.timeout(FUZZ_TIMEOUT_S)]


def test_public_api_survives_fuzzing(fuzzed_platform: Platform, fuzz: Fuzz) -> None:
    gateway = fuzzed_platform.gateway
    fuzz(gateway + "/api/v1/openapi.json", gateway, {"Authorization": f"Bearer {fuzzed_platform.token}"})
