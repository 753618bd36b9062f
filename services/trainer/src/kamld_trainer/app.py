"""trainer: training runs on pinned input versions."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from kamld_common.app import create_service_app
from kamld_common.db import Database
from kamld_common.outbox import install_outbox
from kamld_trainer import __version__
from kamld_trainer.config import Settings
from kamld_trainer.executor.catalog import SdkCatalog
from kamld_trainer.executor.content import ContentCache
from kamld_trainer.executor.environments import EnvironmentCache
from kamld_trainer.executor.kubernetes import JobConfig, KubernetesJobs
from kamld_trainer.executor.kubernetes_worker import KubernetesWorker
from kamld_trainer.executor.worker import LocalWorker
from kamld_trainer.runs.endpoints import router as runs_router
from kamld_trainer.runs.events import OutboxLease, OutboxRecord
from kamld_trainer.runs.logs import RunFiles
from kamld_trainer.runs.service import RunService

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    assert settings.runs_dir and settings.envs_dir and settings.cache_dir
    files = RunFiles(settings.runs_dir)
    start_outbox, stop_outbox = install_outbox(settings, database, OutboxRecord, OutboxLease, __version__)

    async def start(app: FastAPI) -> None:
        if not settings.executor:
            return
        catalog = SdkCatalog(
            settings.gateway_url,
            settings.gateway_token.get_secret_value() if settings.gateway_token else None,
        )
        worker = LocalWorker(
            database,
            RunService(database),
            files,
            EnvironmentCache(settings.envs_dir),  # type: ignore[arg-type]
            ContentCache(settings.cache_dir, catalog),  # type: ignore[arg-type]
            catalog,
            pool_size=settings.pool_size,
            nice=settings.nice,
            cancel_grace_s=settings.cancel_grace_s,
            poll_interval_s=settings.poll_interval_s,
            default_timeout_s=settings.default_timeout_s,
        )
        app.state.worker = worker
        await worker.start()
        if settings.kubernetes_namespace:
            app.state.kubernetes_worker = kubernetes_worker(settings, database, files)
            await app.state.kubernetes_worker.start()

    async def stop(app: FastAPI) -> None:
        for name in ("kubernetes_worker", "worker"):
            worker = getattr(app.state, name, None)
            if worker is not None:
                await worker.stop()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D trainer",
        description=(
            "Training runs: `POST /runs` queues a run (a built-in recipe or a code version and its "
            "entrypoint, on pinned input versions); the local executor runs it in its own process "
            "group and virtualenv and pushes its output as a new model version. Every change of a "
            "run's status is recorded as an event (`run.created`, `run.started`, ...) for the activity feed."
        ),
        routers=[runs_router],
        database=database,
        on_startup=[start_outbox, start],
        on_shutdown=[stop_outbox, stop],  # run in reverse: the executor stops (recording), then the relay
    )
    app.state.run_files = files
    app.state.executors = (
        ("local", "external", "kubernetes") if settings.kubernetes_namespace else ("local", "external")
    )
    app.state.worker = None
    return app


def job_config(settings: Settings) -> JobConfig:
    assert settings.kubernetes_namespace
    return JobConfig(
        namespace=settings.kubernetes_namespace,
        image=settings.kubernetes_image,
        train_image=settings.kubernetes_train_image,
        gateway_url=settings.kubernetes_gateway_url,
        token_secret=settings.kubernetes_token_secret,
        service_account=settings.kubernetes_service_account,
    )


def kubernetes_worker(settings: Settings, database: Database, files: RunFiles) -> KubernetesWorker:
    config = job_config(settings)
    return KubernetesWorker(
        database,
        files,
        KubernetesJobs(config, settings.kubernetes_kubeconfig),
        config,
        poll_interval_s=max(settings.poll_interval_s, 2.0),
        default_timeout_s=settings.default_timeout_s,
    )
