"""storage-gateway (and the metadata-hub it reports to) as real processes, as pytest fixtures.

Not part of the ``kamld`` plugin, because other suites give the name ``gateway`` to the public
gateway: a conftest that wants these imports them by name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kamld_testing.fixtures import PostgresDatabases
from kamld_testing.postgres import PostgresUnavailable
from kamld_testing.processes import ServiceProcess, env_prefix, running_service

GATEWAY_PREFIX = env_prefix("storage-gateway")


@pytest.fixture(scope="session")
def metadata_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    with running_service("metadata-hub", home=tmp_path_factory.mktemp("hub-home")) as service:
        yield service


@pytest.fixture(scope="session")
def gateway(
    tmp_path_factory: pytest.TempPathFactory, metadata_hub: ServiceProcess
) -> Iterator[ServiceProcess]:
    """storage-gateway on SQLite and a local object store, pointed at the real metadata-hub."""
    home = tmp_path_factory.mktemp("gateway-home")
    env = {
        f"{GATEWAY_PREFIX}METADATA_HUB_URL": metadata_hub.url,
        f"{GATEWAY_PREFIX}MAX_BATCH_BYTES": str(12 << 20),
    }
    with running_service("storage-gateway", home=home, env=env) as service:
        yield service


@pytest.fixture(scope="session")
def postgres_gateway(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_databases: PostgresDatabases,
    metadata_hub: ServiceProcess,
) -> Iterator[ServiceProcess]:
    """storage-gateway whose upload sessions live in a fresh PostgreSQL database (dropped after),
    pointed at the real metadata-hub."""
    try:
        url = postgres_databases.url("storage-gateway process")
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    home = tmp_path_factory.mktemp("gateway-pg-home")
    env = {f"{GATEWAY_PREFIX}DATABASE_URL": url, f"{GATEWAY_PREFIX}METADATA_HUB_URL": metadata_hub.url}
    with running_service("storage-gateway", home=home, env=env) as service:
        yield service


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_gateway(request: pytest.FixtureRequest) -> ServiceProcess:
    """Each session store in turn: SQLite (embedded default) and PostgreSQL."""
    service: ServiceProcess = request.getfixturevalue(
        "gateway" if request.param == "sqlite" else "postgres_gateway"
    )
    return service
