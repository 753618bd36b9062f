"""A platform with small query limits, shared by the query and S3 endpoint tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kamld_testing.platform import Platform, clean_environment, running_platform

QUERY_ROW_LIMIT = 1000
QUERY_TIME_LIMIT_S = 2


@pytest.fixture(scope="session")
def limited_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """``kamld up`` on SQLite with small query limits, so reaching them is quick."""
    env = clean_environment() | {
        "KAMLD_STORAGE_GATEWAY_QUERY_MAX_ROWS": str(QUERY_ROW_LIMIT),
        "KAMLD_STORAGE_GATEWAY_QUERY_TIME_LIMIT_S": str(QUERY_TIME_LIMIT_S),
    }
    with running_platform(tmp_path_factory.mktemp("limited-platform"), env, database="sqlite") as started:
        yield started
