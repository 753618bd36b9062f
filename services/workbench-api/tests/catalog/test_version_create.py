"""Recording versions through the gateway: no-op pushes, labels with the push, metadata limits."""

from __future__ import annotations

import json
import secrets

import pytest


@pytest.fixture
def name() -> str:
    return f"push-{secrets.token_hex(3)}"


def test_a_push_of_the_newest_content_records_nothing_and_says_so(gateway, tokens, push, name) -> None:
    with gateway.client(tokens["editor"]) as editor:
        first = push(editor, name, {"a.txt": b"alpha"}, kind="dataset")
        again = editor.post(f"/api/v1/artifacts/{name}/versions", json={"digest": first["digest"]})
        forced = editor.post(
            f"/api/v1/artifacts/{name}/versions", json={"digest": first["digest"], "allow_empty": True}
        )
        log = editor.get(f"/api/v1/artifacts/{name}/versions").json()["items"]
    assert again.status_code == 200, again.text
    assert (again.json()["ref"], again.json()["unchanged"]) == (first["ref"], True)
    assert forced.status_code == 201 and forced.json()["unchanged"] is False
    assert [v["number"] for v in log] == [2, 1]


def test_labels_and_description_apply_to_an_existing_artifact(gateway, tokens, push, name) -> None:
    with gateway.client(tokens["editor"]) as editor:
        push(editor, name, {"a.txt": b"alpha"}, kind="model", labels={"team": "vision"})
        push(editor, name, {"a.txt": b"beta"}, labels={"stage": "trained"}, description="a classifier")
        artifact = editor.get(f"/api/v1/artifacts/{name}").json()
    assert artifact["labels"] == {"stage": "trained", "team": "vision"}
    assert artifact["description"] == "a classifier"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_metadata_is_422_naming_the_field(gateway, tokens, push, name, value) -> None:
    with gateway.client(tokens["editor"]) as editor:
        first = push(editor, name, {"a.txt": b"alpha"}, kind="model")
        raw = f'{{"digest": "{first["digest"]}", "allow_empty": true, "metadata": {{"loss": {value}}}}}'
        answer = editor.post(
            f"/api/v1/artifacts/{name}/versions", content=raw, headers={"Content-Type": "application/json"}
        )
        count = editor.get(f"/api/v1/artifacts/{name}").json()["version_count"]
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"][:2] == ["body", "metadata"]
    assert count == 1


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ({"blob": "x" * 300_000}, "bytes"),
        (json.loads('{"a":' * 40 + "1" + "}" * 40), "deep"),
    ],
)
def test_metadata_over_the_limits_is_422_naming_the_field(
    gateway, tokens, push, name, metadata, reason
) -> None:
    with gateway.client(tokens["editor"]) as editor:
        first = push(editor, name, {"a.txt": b"alpha"}, kind="model")
        answer = editor.post(
            f"/api/v1/artifacts/{name}/versions",
            json={"digest": first["digest"], "allow_empty": True, "metadata": metadata},
        )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"][:2] == ["body", "metadata"]
    assert reason in answer.json()["errors"][0]["msg"]


@pytest.mark.parametrize("depth", [200, 5000, 100_000])
def test_absurdly_nested_metadata_is_a_client_error(gateway, tokens, push, name, depth) -> None:
    with gateway.client(tokens["editor"]) as editor:
        first = push(editor, name, {"a.txt": b"alpha"}, kind="model")
        raw = f'{{"digest": "{first["digest"]}", "allow_empty": true, "metadata": ' + '{"a":' * depth
        raw += "1" + "}" * depth + "}"
        answer = editor.post(
            f"/api/v1/artifacts/{name}/versions", content=raw, headers={"Content-Type": "application/json"}
        )
        count = editor.get(f"/api/v1/artifacts/{name}").json()["version_count"]
    assert 400 <= answer.status_code < 500, answer.text[:300]
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert count == 1
