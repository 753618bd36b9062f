"""Running the dispatcher with the app."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI

from kamld_common.app import Hook
from kamld_common.db import Database
from kamld_observation_hub.config import Settings
from kamld_observation_hub.webhooks.dispatcher import Dispatcher


def dispatcher_hooks(settings: Settings, database: Database) -> tuple[Hook, Hook]:
    tasks: list[asyncio.Task[None]] = []
    dispatchers: list[Dispatcher] = []

    async def start(app: FastAPI) -> None:
        dispatcher = Dispatcher(
            database,
            timeout_s=settings.webhook_timeout_s,
            max_attempts=settings.webhook_max_attempts,
            max_backoff_s=settings.webhook_max_backoff_s,
        )
        dispatchers.append(dispatcher)
        tasks.append(asyncio.create_task(dispatcher.run(), name="webhook-dispatcher"))

    async def stop(app: FastAPI) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for dispatcher in dispatchers:
            await dispatcher.aclose()

    return start, stop
