"""Lineage graphs over HTTP: parents and inputs, up and down, to a depth."""

from __future__ import annotations


async def test_lineage_up_down_and_depth(client, push, unique):
    raw, split, model = f"raw-{unique}", f"split-{unique}", f"model-{unique}"
    await push(raw)
    await push(raw)
    await push(split, inputs=[{"ref": f"{raw}:v2", "role": "derived_from"}])
    await push(
        model,
        kind="model",
        inputs=[{"ref": f"{split}:v1", "role": "trained_on"}, {"ref": f"{raw}:v1", "role": "validated_on"}],
    )

    up = (await client.get(f"/artifacts/{model}/versions/v1/lineage", params={"direction": "up"})).json()
    assert up["root"] == f"{model}:v1"
    assert {n["ref"]: n["distance"] for n in up["nodes"]} == {
        f"{model}:v1": 0,
        f"{split}:v1": 1,
        f"{raw}:v1": 1,
        f"{raw}:v2": 2,
    }
    assert {(e["from"], e["to"], e["role"]) for e in up["edges"]} == {
        (f"{split}:v1", f"{model}:v1", "trained_on"),
        (f"{raw}:v1", f"{model}:v1", "validated_on"),
        (f"{raw}:v2", f"{split}:v1", "derived_from"),
        (f"{raw}:v1", f"{raw}:v2", "parent"),
    }
    shallow = (
        await client.get(f"/artifacts/{model}/versions/v1/lineage", params={"direction": "up", "depth": 1})
    ).json()
    assert {n["ref"] for n in shallow["nodes"]} == {f"{model}:v1", f"{split}:v1", f"{raw}:v1"}

    down = (await client.get(f"/artifacts/{raw}/versions/v1/lineage", params={"direction": "down"})).json()
    assert {n["ref"] for n in down["nodes"]} == {f"{raw}:v1", f"{raw}:v2", f"{split}:v1", f"{model}:v1"}
    both = (await client.get(f"/artifacts/{split}/versions/latest/lineage")).json()
    assert {n["ref"] for n in both["nodes"]} == {f"{split}:v1", f"{raw}:v2", f"{raw}:v1", f"{model}:v1"}
    assert both["truncated"] is False


async def test_lineage_bad_input(client, push, unique):
    name = f"lin-{unique}"
    await push(name)
    assert (
        await client.get(f"/artifacts/{name}/versions/v1/lineage", params={"depth": 0})
    ).status_code == 422
    assert (
        await client.get(f"/artifacts/{name}/versions/v1/lineage", params={"direction": "sideways"})
    ).status_code == 422
    assert (await client.get(f"/artifacts/{name}/versions/v5/lineage")).status_code == 404
    assert (await client.get(f"/artifacts/nope-{unique}/versions/v1/lineage")).status_code == 404
