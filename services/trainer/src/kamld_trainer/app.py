"""trainer: training runs on pinned input versions."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import create_service_app
from kamld_common.db import Database
from kamld_trainer import __version__
from kamld_trainer.config import Settings
from kamld_trainer.runs.endpoints import router as runs_router

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D trainer",
        description=(
            "Training runs: `POST /runs` records what to train (command, parameters, pinned input "
            "versions, the model artifact to produce) with status `queued`; `GET /runs` lists them. "
            "Executing queued runs is not available yet: runs stay `queued`."
        ),
        routers=[runs_router],
        database=database,
    )
    return app
