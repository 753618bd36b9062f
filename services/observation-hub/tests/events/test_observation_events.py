"""The activity/audit feed over HTTP: recording, validation, listing and paging."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from kamld_observation_hub.events.schemas import MAX_DATA_BYTES


def unique_subject() -> str:
    return f"faces-{uuid.uuid4().hex[:12]}:v1"


def event(subject: str, **overrides: object) -> dict[str, object]:
    return {
        "type": "version.committed",
        "actor": "ann",
        "subject": subject,
        "data": {"files": 3},
        **overrides,
    }


def error_locations(response: httpx.Response) -> list[list[object]]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [item["loc"] for item in response.json()["errors"]]


async def test_record_returns_the_stored_event(client: httpx.AsyncClient) -> None:
    subject = unique_subject()
    response = await client.post("/events", json=event(subject))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] >= 1
    assert (body["type"], body["actor"], body["subject"], body["data"]) == (
        "version.committed",
        "ann",
        subject,
        {"files": 3},
    )
    assert body["occurred_at"] == body["recorded_at"]
    assert datetime.fromisoformat(body["recorded_at"]).tzinfo is not None


async def test_occurred_at_keeps_the_instant_in_utc(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/events", json=event(unique_subject(), occurred_at="2024-05-01T12:00:00+02:00")
    )
    assert response.status_code == 201
    assert datetime.fromisoformat(response.json()["occurred_at"]) == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": None}, "type"),
        ({"type": "Version Created"}, "type"),
        ({"actor": ""}, "actor"),
        ({"data": ["not", "an", "object"]}, "data"),
        ({"data": {"blob": "x" * MAX_DATA_BYTES}}, "data"),
        ({"occurred_at": "2024-05-01T12:00:00"}, "occurred_at"),
        ({"occurred_at": 0}, "occurred_at"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_malformed_events_are_refused_naming_the_field(
    client: httpx.AsyncClient, change: dict[str, object], field: str
) -> None:
    subject = unique_subject()
    body = {k: v for k, v in {**event(subject), **change}.items() if v is not None}
    response = await client.post("/events", json=body)
    assert response.status_code == 422
    assert ["body", field] in error_locations(response)
    listed = await client.get("/events", params={"subject": subject})
    assert listed.json()["items"] == []


async def test_a_body_that_is_not_json_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/events", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_listing_is_newest_first_and_filtered(client: httpx.AsyncClient) -> None:
    subject, other = unique_subject(), unique_subject()
    for kind in ("version.committed", "alias.set", "artifact.created"):
        assert (await client.post("/events", json=event(subject, type=kind))).status_code == 201
    assert (await client.post("/events", json=event(other))).status_code == 201

    everything = (await client.get("/events", params={"subject": subject})).json()
    ids = [item["id"] for item in everything["items"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True)
    assert {item["subject"] for item in everything["items"]} == {subject}
    assert everything["next"] is None

    moved = (await client.get("/events", params={"subject": subject, "type": "alias.set"})).json()["items"]
    assert [item["type"] for item in moved] == ["alias.set"]


async def test_paging_walks_the_whole_feed_once(client: httpx.AsyncClient) -> None:
    subject = unique_subject()
    created = [
        (await client.post("/events", json=event(subject, data={"n": n}))).json()["id"] for n in range(5)
    ]
    seen: list[int] = []
    params: dict[str, object] = {"subject": subject, "limit": 2}
    while True:
        page = (await client.get("/events", params=params)).json()
        seen.extend(item["id"] for item in page["items"])
        if page["next"] is None:
            break
        params["after"] = page["next"]
    assert seen == list(reversed(created))


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"after": 0}, {"after": "x"}, {"after": 2**76}]
)
async def test_bad_listing_parameters_are_refused(
    client: httpx.AsyncClient, params: dict[str, object]
) -> None:
    response = await client.get("/events", params=params)
    assert response.status_code == 422
    assert ["query", next(iter(params))] in error_locations(response)


async def test_events_outlive_a_restart(start_app) -> None:  # noqa: ANN001 - fixture factory
    subject = unique_subject()
    async with start_app() as first:
        recorded = (await first.post("/events", json=event(subject))).json()
    async with start_app() as second:
        listed = (await second.get("/events", params={"subject": subject})).json()["items"]
    assert listed == [recorded]


async def test_a_batch_delivered_twice_is_recorded_once_in_its_order(client: httpx.AsyncClient) -> None:
    import uuid

    subject = unique_subject()
    batch = [{**event(subject, data={"n": n}), "id": str(uuid.uuid4())} for n in range(6)]
    first = await client.post("/events/batch", json={"events": batch[:4]})
    assert first.json() == {"recorded": 4, "duplicates": 0}
    again = await client.post("/events/batch", json={"events": batch})
    assert again.json() == {"recorded": 2, "duplicates": 4}
    listed = (await client.get("/events", params={"subject": subject})).json()["items"]
    assert [item["data"]["n"] for item in reversed(listed)] == list(range(6))


async def test_unknown_event_types_are_refused_when_recorded_and_when_filtered(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/events/batch", json={"events": [event(unique_subject(), type="foo.bar")]})
    assert response.status_code == 422 and "unknown event type" in response.text
    response = await client.get("/events", params={"type": "foo.bar"})
    assert response.status_code == 422 and "type" in str(error_locations(response))


async def test_retention_deletes_only_what_is_older(settings) -> None:  # noqa: ANN001 - fixture
    from datetime import UTC, datetime, timedelta

    from kamld_common.db import Database
    from kamld_observation_hub.app import MIGRATIONS
    from kamld_observation_hub.events.repository import EventFilter
    from kamld_observation_hub.events.schemas import EventIn
    from kamld_observation_hub.events.service import EventService

    database = Database(settings.database_url, MIGRATIONS)
    await database.migrate()
    subject = unique_subject()
    old = EventService(database, clock=lambda: datetime.now(UTC) - timedelta(days=40))
    await old.record(EventIn(type="alias.set", actor="ann", subject=subject))
    current = EventService(database)
    await current.record(EventIn(type="alias.removed", actor="ann", subject=subject))
    await current.prune(retention_days=30)
    kept = await current.page(EventFilter(subject=subject), 10)
    assert [e.type for e in kept.items] == ["alias.removed"]
    await database.dispose()
