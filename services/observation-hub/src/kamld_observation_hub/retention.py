"""Deleting events older than the retention period, in the background."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from fastapi import FastAPI

from kamld_common.app import Hook
from kamld_common.db import Database
from kamld_observation_hub.config import Settings
from kamld_observation_hub.events.service import EventService

log = structlog.get_logger("kamld.observation_hub.retention")


async def prune_forever(events: EventService, retention_days: float, interval_s: float) -> None:
    while True:
        try:
            await events.prune(retention_days)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the next round tries again
            log.warning("events_prune_failed", error=str(exc)[:300])
        await asyncio.sleep(interval_s)


def retention_hooks(settings: Settings, database: Database) -> tuple[Hook, Hook]:
    """Start and stop hooks for the pruning task (none runs when retention is 0: keep forever)."""
    tasks: list[asyncio.Task[None]] = []

    async def start(app: FastAPI) -> None:
        if settings.event_retention_days > 0:
            events = EventService(database)
            pruning = prune_forever(events, settings.event_retention_days, settings.retention_interval_s)
            tasks.append(asyncio.create_task(pruning, name="event-retention"))

    async def stop(app: FastAPI) -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return start, stop
