"""Version metadata and labels as a push reads them from options and files, checked before upload."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from kamld.errors import InvalidInput
from kamld.models import PushedVersion
from kamld.push_options import (
    check_kind,
    check_labels,
    check_metadata,
    check_role,
    check_text,
    metadata_file,
    metadata_pairs,
    metadata_value,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.91", 0.91),
        ("12", 12),
        ("-3e2", -300.0),
        ("true", True),
        ("false", False),
        ("007", "007"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("1e400", "1e400"),
        ("null", "null"),
        ('"quoted"', '"quoted"'),
        ("[1, 2]", "[1, 2]"),
        ("hello world", "hello world"),
        ("", ""),
    ],
)
def test_a_metadata_value_stays_a_number_or_boolean_only_when_it_is_one(text, expected) -> None:
    value = metadata_value(text)
    assert value == expected and type(value) is type(expected)


def test_pairs_split_at_the_first_equals_and_refuse_a_missing_one() -> None:
    assert metadata_pairs(["a=1", "b=x=y"]) == {"a": 1, "b": "x=y"}
    with pytest.raises(InvalidInput, match="'broken' must be KEY=VALUE"):
        metadata_pairs(["broken"])
    with pytest.raises(InvalidInput, match="KEY=VALUE"):
        metadata_pairs(["=1"])


def test_a_metadata_file_keeps_numbers_and_names_what_is_wrong(tmp_path: Path) -> None:
    good = tmp_path / "metrics.json"
    good.write_text(json.dumps({"accuracy": 0.91, "epochs": 12, "nested": {"f1": [0.5, 0.7]}}))
    assert metadata_file(good) == {"accuracy": 0.91, "epochs": 12, "nested": {"f1": [0.5, 0.7]}}

    nan = tmp_path / "nan.json"
    nan.write_text('{"scores": {"f1": [0.5, NaN]}}')
    with pytest.raises(InvalidInput, match=r"scores\.f1\[1\] is NaN"):
        metadata_file(nan)
    listed = tmp_path / "list.json"
    listed.write_text("[1]")
    with pytest.raises(InvalidInput, match="must hold a JSON object, not list"):
        metadata_file(listed)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InvalidInput, match="is not JSON"):
        metadata_file(broken)
    with pytest.raises(InvalidInput, match="absent.json"):
        metadata_file(tmp_path / "absent.json")


def test_metadata_the_catalog_would_refuse_is_refused_naming_the_key() -> None:
    assert check_metadata({"loss": 0.1}) == {"loss": 0.1}
    with pytest.raises(InvalidInput, match="metadata loss is NaN"):
        check_metadata({"loss": math.nan})
    with pytest.raises(InvalidInput, match=r"metadata curve\[1\]"):
        check_metadata({"curve": [1.0, math.inf]})
    deep: dict = {}
    node = deep
    for _ in range(33):
        node["c"] = {}
        node = node["c"]
    with pytest.raises(InvalidInput, match="32 levels"):
        check_metadata(deep)
    with pytest.raises(InvalidInput, match="at most 262144"):
        check_metadata({"blob": "x" * 262_144})
    with pytest.raises(InvalidInput, match="not JSON"):
        check_metadata({"when": object()})


def test_labels_the_catalog_would_refuse_are_refused_naming_the_label() -> None:
    assert check_labels({"team": "vision", "k8s.io/stage": "raw"}) == {
        "team": "vision",
        "k8s.io/stage": "raw",
    }
    with pytest.raises(InvalidInput, match="label key 'Team'"):
        check_labels({"Team": "x"})
    with pytest.raises(InvalidInput, match="label team"):
        check_labels({"team": "x" * 257})
    with pytest.raises(InvalidInput, match="at most 64 labels"):
        check_labels({f"k{i}": "v" for i in range(65)})


def test_a_pushed_version_reads_unchanged_and_defaults_to_false() -> None:
    answer = {
        "artifact": "faces",
        "kind": "dataset",
        "number": 3,
        "name": "v3",
        "ref": "faces:v3",
        "digest": "blake3:" + "0" * 64,
        "author": "alice",
        "created_at": "2026-01-01T00:00:00Z",
        "file_count": 1,
        "total_bytes": 1,
    }
    assert PushedVersion.from_api({**answer, "unchanged": True}).unchanged is True
    assert PushedVersion.from_api(answer).unchanged is False


def test_kind_text_and_input_roles_the_catalog_would_refuse_are_refused() -> None:
    assert check_kind("model") == "model"
    with pytest.raises(InvalidInput, match="kind 'table' is not one of dataset, model, code"):
        check_kind("table")
    assert check_text("fine", "message") == "fine"
    with pytest.raises(InvalidInput, match="description must be at most 65536"):
        check_text("x" * 65_537, "description")
    with pytest.raises(InvalidInput, match="message"):
        check_text("nul\x00", "message")
    assert check_role("trained_on", "faces:v1") == "trained_on"
    for role in ("parent", "Trained", "9lives", "x" * 33):
        with pytest.raises(InvalidInput, match="input faces:v1: role"):
            check_role(role, "faces:v1")
