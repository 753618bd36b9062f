"""A run's status changes and their events commit together, in the trainer's own transaction.

The events are read back from the trainer's outbox (the relay in these tests delivers nowhere, so
they stay there); delivery to observation-hub is tested in ``tests/integration``.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from kamld_common.db import Database
from kamld_trainer.app import MIGRATIONS
from kamld_trainer.config import Settings
from kamld_trainer.executor.catalog import SdkCatalog
from kamld_trainer.executor.content import ContentCache
from kamld_trainer.executor.environments import EnvironmentCache
from kamld_trainer.executor.worker import INTERRUPTED, LocalWorker
from kamld_trainer.runs.events import OutboxRecord
from kamld_trainer.runs.logs import RunFiles
from kamld_trainer.runs.repository import SqlRunRepository
from kamld_trainer.runs.schemas import RunStatus
from kamld_trainer.runs.service import RunService, move

DIGEST = "blake3:" + "ab" * 32
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def spec(output: str, **overrides: object) -> dict[str, object]:
    return {
        "name": "nightly",
        "code": {"ref": "trainer-code:v2", "digest": DIGEST},
        "entrypoint": ["python", "train.py"],
        "inputs": [{"ref": "faces:v3", "digest": DIGEST, "role": "train"}],
        "output": output,
        "creator": "ada",
        **overrides,
    }


def unique_artifact() -> str:
    return f"model-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def database(client: httpx.AsyncClient, settings: Settings) -> Any:
    """The trainer's database, migrated by the app ``client`` started."""
    db = Database(settings.database_url, MIGRATIONS)
    yield db
    await db.dispose()


async def events_of(database: Database, run_id: str) -> list[OutboxRecord]:
    async with database.unit_of_work() as session:
        query = select(OutboxRecord).where(OutboxRecord.subject == f"run:{run_id}").order_by(OutboxRecord.seq)
        return list((await session.scalars(query)).all())


async def test_queue_cancel_and_retry_record_their_events_with_actor_target_and_trace(
    client: httpx.AsyncClient, database: Database
) -> None:
    output = unique_artifact()
    traced = {"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"}
    run = (await client.post("/runs", json=spec(output), headers=traced)).json()
    (created,) = await events_of(database, run["id"])
    assert (created.type, created.actor, created.artifact) == ("run.created", "ada", output)
    assert created.before is None
    assert created.after == {
        "status": "queued",
        "output": output,
        "inputs": ["faces:v3"],
        "code": "trainer-code:v2",
    }
    assert created.data == {"run": run["id"], "name": "nightly", "executor": "local"}
    assert created.trace_id == TRACE

    cancelled = await client.post(f"/runs/{run['id']}/cancel", headers={"X-Kamld-Caller": "bob"})
    assert cancelled.json()["status"] == "cancelled"
    refused = await client.post(f"/runs/{run['id']}/cancel", headers={"X-Kamld-Caller": "bob"})
    assert refused.status_code == 409
    *_, cancel = await events_of(database, run["id"])
    assert (cancel.type, cancel.actor, cancel.artifact) == ("run.cancelled", "bob", output)
    assert cancel.before == {"status": "queued"}
    assert cancel.after == {"status": "cancelled", "error": "cancelled"}
    assert len(await events_of(database, run["id"])) == 2  # the refused cancel recorded nothing

    retry = (
        await client.post(f"/runs/{run['id']}/retry", json={}, headers={"X-Kamld-Caller": "carol"})
    ).json()
    assert retry["creator"] == "carol"
    *_, retried = await events_of(database, run["id"])
    assert (retried.type, retried.actor) == ("run.retried", "carol")
    assert retried.after == {"status": "cancelled", "retry": retry["id"]}
    (again,) = await events_of(database, retry["id"])
    assert (again.type, again.actor, again.data["retry_of"]) == ("run.created", "carol", run["id"])
    assert retried.seq < again.seq


async def test_a_run_tracked_by_hand_records_its_start_and_its_end(
    client: httpx.AsyncClient, database: Database
) -> None:
    run = (await client.post("/runs", json={"executor": "external", "creator": "ada"})).json()
    output = unique_artifact()
    finished = await client.post(
        f"/runs/{run['id']}/finish", json={"status": "succeeded", "output_version": f"{output}:v1"}
    )
    assert finished.status_code == 200
    created, succeeded = await events_of(database, run["id"])
    assert (created.type, created.after["status"], created.artifact) == ("run.created", "running", None)
    assert (succeeded.type, succeeded.actor, succeeded.artifact) == ("run.succeeded", "ada", output)
    assert succeeded.before == {"status": "running"}
    assert succeeded.after == {"status": "succeeded", "output_version": f"{output}:v1"}


async def test_a_status_change_and_its_event_roll_back_together(
    client: httpx.AsyncClient, database: Database
) -> None:
    run = (await client.post("/runs", json=spec(unique_artifact()))).json()
    run_id = uuid.UUID(run["id"])

    # the transaction fails after the change and its event were written: neither stays
    with pytest.raises(RuntimeError, match="after the move"):
        async with database.unit_of_work() as session:
            runs = SqlRunRepository(session)
            record = await runs.get(run_id)
            assert record is not None
            assert await move(session, runs, record, RunStatus.queued, RunStatus.running)
            raise RuntimeError("after the move")

    # writing the event fails (the database refuses its data): the status change is undone too
    with pytest.raises(Exception, match="not JSON serializable"):
        async with database.unit_of_work() as session:
            runs = SqlRunRepository(session)
            record = await runs.get(run_id)
            assert record is not None
            await move(session, runs, record, RunStatus.queued, RunStatus.running, details={"bad": object()})

    assert (await client.get(f"/runs/{run['id']}")).json()["status"] == "queued"
    assert [event.type for event in await events_of(database, run["id"])] == ["run.created"]

    # and a move from a status the run is no longer in changes nothing and records nothing
    async with database.unit_of_work() as session:
        runs = SqlRunRepository(session)
        record = await runs.get(run_id)
        assert record is not None
        assert not await move(session, runs, record, RunStatus.running, RunStatus.succeeded)
    assert [event.type for event in await events_of(database, run["id"])] == ["run.created"]


async def test_a_run_interrupted_by_a_restart_records_its_failure(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    run = (await client.post("/runs", json=spec(unique_artifact()))).json()
    async with database.unit_of_work() as session:  # claimed by a trainer that then died
        runs = SqlRunRepository(session)
        record = await runs.get(uuid.UUID(run["id"]))
        assert record is not None
        assert await move(session, runs, record, RunStatus.queued, RunStatus.running)

    assert settings.runs_dir and settings.envs_dir and settings.cache_dir
    catalog = SdkCatalog("http://127.0.0.1:9", None)
    worker = LocalWorker(
        database,
        RunService(database),
        RunFiles(settings.runs_dir),
        EnvironmentCache(settings.envs_dir),
        ContentCache(settings.cache_dir, catalog),
        catalog,
        pool_size=1,
        nice=10,
        cancel_grace_s=1,
        poll_interval_s=1,
        default_timeout_s=60,
    )
    await worker.recover()  # what a new trainer does first

    assert (await client.get(f"/runs/{run['id']}")).json()["status"] == "failed"
    events = await events_of(database, run["id"])
    assert [event.type for event in events] == ["run.created", "run.started", "run.failed"]
    failed = events[-1]
    assert (failed.actor, failed.before, failed.after) == (
        "ada",
        {"status": "running"},
        {"status": "failed", "error": INTERRUPTED},
    )
    assert failed.data["interrupted"] is True
