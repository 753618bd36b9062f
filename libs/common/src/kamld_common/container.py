"""What the one container image runs: ``python -m kamld_common.container serve|healthcheck|migrate``.

The image is built once per service with ``--build-arg SERVICE=<name>`` and records that name in
``KAMLD_SERVICE``; this module turns it into the service's package, so neither the command nor the
health check has to spell a service-specific module or variable.

``migrate`` applies the service's Alembic migrations to its database and exits, exactly as the
service does first thing at start (under the same PostgreSQL advisory lock), so a deployment can
run them once, as a Job, before it rolls out the new version.
"""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.request
from importlib import import_module

from kamld_common.settings import ServiceSettings

SERVICE_VARIABLE = "KAMLD_SERVICE"
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def service_package(service: str) -> str:
    """``metadata-hub`` → ``kamld_metadata_hub``."""
    return "kamld_" + service.replace("-", "_")


def named_service() -> str:
    service = os.environ.get(SERVICE_VARIABLE, "")
    if not service:
        raise SystemExit(f"{SERVICE_VARIABLE} is not set: name the service this image runs")
    return service


def service_settings(service: str) -> ServiceSettings:
    settings_class: type[ServiceSettings] = import_module(f"{service_package(service)}.config").Settings
    return settings_class()


def health_url(settings: ServiceSettings) -> str:
    """Where the service answers from inside its own container."""
    host = "127.0.0.1" if settings.host in WILDCARD_HOSTS else settings.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/healthz"


def serve() -> None:
    import_module(f"{service_package(named_service())}.__main__").main()


def healthcheck() -> None:
    """Exits non-zero unless the service's ``/healthz`` answers 2xx (urlopen raises otherwise)."""
    with urllib.request.urlopen(health_url(service_settings(named_service())), timeout=2):
        pass


def migrate() -> None:
    """Bring the service's database to its newest schema (a no-op when it is there already)."""
    from kamld_common.db import Database  # not for the health check, which runs every few seconds

    service = named_service()
    settings = service_settings(service)
    migrations = import_module(f"{service_package(service)}.app").MIGRATIONS
    database = Database(settings.database_url, migrations)

    async def run() -> None:
        try:
            await database.migrate()
        finally:
            await database.dispose()

    asyncio.run(run())


COMMANDS = {"serve": serve, "healthcheck": healthcheck, "migrate": migrate}


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        raise SystemExit(f"usage: python -m kamld_common.container {{{'|'.join(COMMANDS)}}}")
    COMMANDS[argv[0]]()


if __name__ == "__main__":
    main(sys.argv[1:])
