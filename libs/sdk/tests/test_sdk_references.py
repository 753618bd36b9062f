"""Client-side reading of references and names: errors before any byte is uploaded."""

import pytest

from kamld.errors import InvalidInput
from kamld.references import check_artifact_name, parse_reference


@pytest.mark.parametrize("name", ["faces", "faces-model", "a", "x.y_z-1", "9lives"])
def test_valid_artifact_names_pass(name: str) -> None:
    assert check_artifact_name(name) == name


@pytest.mark.parametrize("name", ["", "Faces", "bad name", "-dash", ".hidden", "a/b", "a" * 129])
def test_invalid_artifact_names_are_refused_with_a_clear_error(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_artifact_name(name)
    assert caught.value.code == "invalid_name"
    assert repr(name) in str(caught.value)


def test_reference_defaults_to_latest_and_splits_path() -> None:
    assert str(parse_reference("faces")) == "faces:latest"
    ref = parse_reference("faces:v3/train/a.csv", allow_path=True)
    assert (ref.artifact, ref.ref, ref.path) == ("faces", "v3", "train/a.csv")


def test_reference_with_path_is_refused_where_no_path_is_expected() -> None:
    with pytest.raises(InvalidInput):
        parse_reference("faces:v3/a.csv")
