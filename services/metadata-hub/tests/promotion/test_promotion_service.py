"""Promotion gates without HTTP, on a real SQLite file and a real PostgreSQL database: the rules,
the refusal with every reason, the override kept in the alias history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, func, select

from kamld_common.errors import Conflict, NotFound
from kamld_metadata_hub.aliases.schemas import AliasSet
from kamld_metadata_hub.aliases.service import AliasService
from kamld_metadata_hub.events import OutboxRecord
from kamld_metadata_hub.models import Artifact, IndexJob, Version, VersionProfile, utcnow
from kamld_metadata_hub.promotion.schemas import AliasPolicySet
from kamld_metadata_hub.promotion.service import PolicyService
from kamld_metadata_hub.versions.schemas import VersionCreate
from kamld_metadata_hub.versions.service import VersionService

COLUMNS = [("age", "BIGINT"), ("income", "DOUBLE"), ("city", "VARCHAR"), ("label", "VARCHAR")]


@pytest.fixture(autouse=True)
async def _no_leftover_jobs(database) -> AsyncIterator[None]:
    """These pushes have no storage-gateway to index them: drop the jobs they queue, so that later
    tests sharing the database do not wait behind them."""
    async with database.unit_of_work() as session:
        first = (await session.scalar(select(func.max(IndexJob.id)))) or 0
    yield
    async with database.unit_of_work() as session:
        await session.execute(delete(IndexJob).where(IndexJob.id > first))


def _draft(make_digest, **fields: Any) -> VersionCreate:
    return VersionCreate(digest=make_digest(), file_count=1, total_bytes=10, **fields)


def _signature(*names: str, shape: list[Any] | None = None) -> dict[str, Any]:
    inputs = [{"name": name, "type": "float32", "shape": shape or [None, 1]} for name in names]
    return {"signature": {"inputs": inputs, "outputs": [{"name": "y", "type": "int64", "shape": [None]}]}}


async def _model(versions: VersionService, name: str, make_digest, metadata: dict[str, Any], **fields: Any):
    return await versions.create(name, _draft(make_digest, kind="model", metadata=metadata, **fields), "dora")


async def _profile(
    database, ref_name: str, number: int, columns: list[tuple[str, str]], *, done: bool = True
):
    """Write a table profile as the indexer would, and (``done``) finish the version's indexing jobs."""
    async with database.unit_of_work() as session:
        version = await session.scalar(
            select(Version)
            .join(Artifact, Artifact.id == Version.artifact_id)
            .where(Artifact.name == ref_name, Version.number == number)
        )
        assert version is not None
        session.add(
            VersionProfile(
                version_id=version.id,
                path="train.csv",
                kind="table",
                status="ok",
                data={"format": "csv", "rows": 3, "columns": [{"name": n, "type": t} for n, t in columns]},
                created_at=utcnow(),
            )
        )
        if done:
            await session.execute(delete(IndexJob).where(IndexJob.target_id == version.id))


async def _refusal(aliases: AliasService, name: str, alias: str, ref: str) -> dict[str, Any]:
    with pytest.raises(Conflict) as refused:
        await aliases.set(name, alias, AliasSet(version=ref), "erik")
    assert refused.value.code == "promotion_refused"
    return refused.value.extra


async def test_metric_not_worse_compares_with_the_holder(database, unique, make_digest):
    versions, aliases, policies = VersionService(database), AliasService(database), PolicyService(database)
    name = f"gate-{unique}"
    await _model(versions, name, make_digest, {"run": {"metrics": {"accuracy": 0.9, "loss": 0.3}}})
    await _model(versions, name, make_digest, {"metrics": {"accuracy": 0.85, "loss": 0.2}})
    await _model(versions, name, make_digest, {"accuracy": 0.95})
    await _model(versions, name, make_digest, {"note": "no metrics"})
    rule = {"rule": "metric_not_worse", "metric": "accuracy", "direction": "max"}
    await policies.put(name, "production", AliasPolicySet.model_validate({"rules": [rule]}), "root")

    assert (await aliases.set(name, "production", AliasSet(version="v1"), "erik")).version.number == 1
    extra = await _refusal(aliases, name, "production", "v2")
    assert extra["reasons"] == [
        {
            "rule": "metric_not_worse",
            "message": f"accuracy of {name}:v2 is 0.85, lower than 0.9 of {name}:v1, the current production",
        }
    ]
    assert (extra["candidate"], extra["current"]) == (f"{name}:v2", f"{name}:v1")
    missing = await _refusal(aliases, name, "production", "v4")
    assert missing["reasons"][0]["message"] == f"{name}:v4 records no metric 'accuracy'"
    assert (await aliases.set(name, "production", AliasSet(version="v3"), "erik")).version.number == 3
    assert (await aliases.set(name, "production", AliasSet(version="v3"), "erik")).version.number == 3

    tolerant = {**rule, "tolerance": 0.2}
    await policies.put(name, "production", AliasPolicySet.model_validate({"rules": [tolerant]}), "root")
    assert (await aliases.set(name, "production", AliasSet(version="v2"), "erik")).version.number == 2
    lower = {"rule": "metric_not_worse", "metric": "loss", "direction": "min"}
    await policies.put(name, "staging", AliasPolicySet.model_validate({"rules": [lower]}), "root")
    await aliases.set(name, "staging", AliasSet(version="v2"), "erik")
    extra = await _refusal(aliases, name, "staging", "v1")
    assert "loss of" in extra["reasons"][0]["message"] and "higher than 0.2" in extra["reasons"][0]["message"]
    history = (await aliases.history(name, "production", None, 10)).items
    assert [(e.from_version, e.to_version) for e in history] == [(3, 2), (1, 3), (None, 1)]


async def test_thresholds_and_metadata_rules_report_every_reason(database, unique, make_digest):
    versions, aliases, policies = VersionService(database), AliasService(database), PolicyService(database)
    name = f"thr-{unique}"
    await _model(versions, name, make_digest, {"run": {"metrics": {"f1": 0.7, "latency": 12}}})
    await _model(
        versions,
        name,
        make_digest,
        {"run": {"metrics": {"f1": 0.82, "latency": 5}}, "review": {"approved": True}},
    )
    rules = [
        {"rule": "metric_threshold", "metric": "f1", "min": 0.8},
        {"rule": "metric_threshold", "metric": "latency", "max": 10},
        {"rule": "requires_metadata", "key": "review.approved", "value": True},
    ]
    await policies.put(name, "production", AliasPolicySet.model_validate({"rules": rules}), "root")
    extra = await _refusal(aliases, name, "production", "v1")
    assert [reason["rule"] for reason in extra["reasons"]] == [
        "metric_threshold",
        "metric_threshold",
        "requires_metadata",
    ]
    assert extra["reasons"][0]["message"] == f"f1 of {name}:v1 is 0.7, below the minimum 0.8"
    assert extra["reasons"][1]["message"] == f"latency of {name}:v1 is 12, above the maximum 10"
    assert extra["reasons"][2]["message"] == f"{name}:v1 has no metadata 'review.approved'"
    assert (await aliases.set(name, "production", AliasSet(version="v2"), "erik")).version.number == 2


async def test_signature_matches_the_training_columns(database, unique, make_digest):
    versions, aliases, policies = VersionService(database), AliasService(database), PolicyService(database)
    data, name = f"sigdata-{unique}", f"sig-{unique}"
    await versions.create(data, _draft(make_digest, kind="dataset"), "dora")
    trained = [{"ref": f"{data}:v1", "role": "train"}]
    params = {"run": {"params": {"target": "label"}}}
    await _model(
        versions, name, make_digest, {**params, "model": _signature("age", "income", "city")}, inputs=trained
    )
    await _model(
        versions, name, make_digest, {**params, "model": _signature("age", "height")}, inputs=trained
    )
    await _model(versions, name, make_digest, {"model": {"files": []}}, inputs=trained)
    await _model(
        versions, name, make_digest, {**params, "model": _signature("X", shape=[None, 2])}, inputs=trained
    )
    await _model(
        versions, name, make_digest, {**params, "model": _signature("X", shape=[None, 3])}, inputs=trained
    )
    await _model(versions, name, make_digest, {"model": _signature("age")})
    rule = {"rule": "signature_matches_inputs"}
    await policies.put(name, "production", AliasPolicySet.model_validate({"rules": [rule]}), "root")

    pending = await _refusal(aliases, name, "production", "v1")
    assert pending["reasons"] == [
        {
            "rule": "signature_matches_inputs",
            "message": f"the profile of {data}:v1 is pending: its columns are not known yet; retry shortly",
        }
    ]
    await _profile(database, data, 1, COLUMNS)

    assert (await aliases.set(name, "production", AliasSet(version="v1"), "erik")).version.number == 1
    mismatch = await _refusal(aliases, name, "production", "v2")
    assert mismatch["reasons"][0]["message"] == (
        f"the signature of {name}:v2 does not match the columns of {data}:v1/train.csv: "
        "columns the model does not take: income, city; model inputs the data has no column for: height"
    )
    unsigned = await _refusal(aliases, name, "production", "v3")
    assert "has no ONNX signature" in unsigned["reasons"][0]["message"]
    # one tensor input of width N takes the N numeric columns (the target left out)
    assert (await aliases.set(name, "production", AliasSet(version="v4"), "erik")).version.number == 4
    narrow = await _refusal(aliases, name, "production", "v5")
    assert narrow["reasons"][0]["message"] == (
        f"the input 'X' of {name}:v5 takes 3 features, "
        f"but {data}:v1/train.csv has 2 numeric columns (age, income)"
    )
    untrained = await _refusal(aliases, name, "production", "v6")
    assert "records no training input" in untrained["reasons"][0]["message"]

    ignoring = {"rule": "signature_matches_inputs", "role": "train", "ignore_columns": ["income", "city"]}
    await policies.put(name, "production", AliasPolicySet.model_validate({"rules": [ignoring]}), "root")
    narrowed = await _refusal(aliases, name, "production", "v2")
    assert narrowed["reasons"][0]["message"].endswith("model inputs the data has no column for: height")


async def test_unprofiled_input_is_named(database, unique, make_digest):
    versions, aliases, policies = VersionService(database), AliasService(database), PolicyService(database)
    data, name = f"bin-{unique}", f"binm-{unique}"
    await versions.create(data, _draft(make_digest, kind="dataset"), "dora")
    await _model(
        versions,
        name,
        make_digest,
        {"model": _signature("a")},
        inputs=[{"ref": f"{data}:v1", "role": "train"}],
    )
    async with database.unit_of_work() as session:
        version = await session.scalar(
            select(Version).join(Artifact, Artifact.id == Version.artifact_id).where(Artifact.name == data)
        )
        assert version is not None
        await session.execute(delete(IndexJob).where(IndexJob.target_id == version.id))
    await policies.put(
        name,
        "production",
        AliasPolicySet.model_validate({"rules": [{"rule": "signature_matches_inputs"}]}),
        "r",
    )
    extra = await _refusal(aliases, name, "production", "v1")
    assert extra["reasons"][0]["message"].startswith(f"{data}:v1 has no profiled table")


async def test_override_is_recorded_and_policy_can_be_removed(database, unique, make_digest):
    versions, aliases, policies = VersionService(database), AliasService(database), PolicyService(database)
    name = f"ovr-{unique}"
    await _model(versions, name, make_digest, {"metrics": {"accuracy": 0.9}})
    await _model(versions, name, make_digest, {"metrics": {"accuracy": 0.5}})
    rules = [
        {"rule": "metric_not_worse", "metric": "accuracy"},
        {"rule": "metric_threshold", "metric": "accuracy", "min": 0.8},
    ]
    view = await policies.put(name, "production", AliasPolicySet.model_validate({"rules": rules}), "root")
    assert (view.updated_by, [r.rule for r in view.rules]) == (
        "root",
        ["metric_not_worse", "metric_threshold"],
    )
    assert (await policies.get(name, "production")).rules[0].model_dump() == {
        "rule": "metric_not_worse",
        "metric": "accuracy",
        "direction": "max",
        "tolerance": 0.0,
    }
    await aliases.set(name, "production", AliasSet(version="v1"), "erik")
    extra = await _refusal(aliases, name, "production", "v2")
    assert len(extra["reasons"]) == 2
    moved = await aliases.set(
        name, "production", AliasSet(version="v2", override_reason="hotfix for incident 7"), "root"
    )
    assert moved.version.number == 2
    newest = (await aliases.history(name, "production", None, 10)).items[0]
    assert (newest.actor, newest.override_reason, newest.to_version) == ("root", "hotfix for incident 7", 2)
    assert [reason.rule for reason in newest.overridden] == ["metric_not_worse", "metric_threshold"]
    async with database.unit_of_work() as session:
        event = await session.scalar(
            select(OutboxRecord)
            .where(OutboxRecord.artifact == name, OutboxRecord.type == "alias.set")
            .order_by(OutboxRecord.seq.desc())
            .limit(1)
        )
    assert event is not None and event.actor == "root"
    assert event.data["override_reason"] == "hotfix for incident 7"
    assert [item["rule"] for item in event.data["overridden"]] == ["metric_not_worse", "metric_threshold"]
    assert (await aliases.history(name, "production", None, 10)).items[1].override_reason is None

    await policies.delete(name, "production")
    with pytest.raises(NotFound):
        await policies.get(name, "production")
    with pytest.raises(NotFound):
        await policies.delete(name, "production")
    assert (await aliases.set(name, "production", AliasSet(version="v1"), "erik")).version.number == 1


def test_rules_are_validated():
    for bad in (
        {"rules": []},
        {"rules": [{"rule": "metric_threshold", "metric": "f1"}]},
        {"rules": [{"rule": "metric_threshold", "metric": "f1", "min": 2, "max": 1}]},
        {"rules": [{"rule": "metric_not_worse", "metric": "acc", "direction": "up"}]},
        {"rules": [{"rule": "metric_not_worse", "metric": "acc", "tolerance": -1}]},
        {"rules": [{"rule": "no_such_rule"}]},
        {"rules": [{"rule": "signature_matches_inputs", "extra": 1}]},
    ):
        with pytest.raises(ValidationError):
            AliasPolicySet.model_validate(bad)
