"""workbench-api: the public gateway (``/api/v1``), authentication and roles."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import add_readiness_check, create_service_app
from kamld_common.db import Database
from kamld_workbench_api import __version__
from kamld_workbench_api.config import Settings
from kamld_workbench_api.upstreams import install_upstreams

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    routers: list = []

    async def start(app: FastAPI) -> None:
        await database.migrate()
        add_readiness_check(app, "database", database.ping)
        upstreams = install_upstreams(app, settings)
        for name, client in upstreams.by_name().items():
            add_readiness_check(app, name, _healthz_of(client))

    async def stop(app: FastAPI) -> None:
        await app.state.upstreams.aclose()
        await database.dispose()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D workbench-api",
        description="The public API of KAML-D.",
        routers=routers,
        on_startup=[start],
        on_shutdown=[stop],
        public=True,
    )
    app.state.database = database
    return app


def _healthz_of(client):
    async def check() -> None:
        await client.get("/healthz", timeout=2.0)

    return check
