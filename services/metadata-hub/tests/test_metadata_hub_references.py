"""The grammar of NAME[:REF][/PATH]: every REF has exactly one reading."""

from __future__ import annotations

import pytest

from kamld_common.errors import Invalid
from kamld_metadata_hub.references import (
    SelectorKind,
    VersionSelector,
    check_alias_name,
    parse_reference,
    parse_version_selector,
)


@pytest.mark.parametrize(
    ("ref", "kind", "value"),
    [
        ("v3", SelectorKind.NUMBER, 3),
        ("3", SelectorKind.NUMBER, 3),
        ("V12", SelectorKind.NUMBER, 12),
        ("production", SelectorKind.ALIAS, "production"),
        ("latest", SelectorKind.ALIAS, "latest"),
        ("deadbeef", SelectorKind.DIGEST_PREFIX, "deadbeef"),
        ("12345678", SelectorKind.DIGEST_PREFIX, "12345678"),
        ("blake3:ABCDEF0123", SelectorKind.DIGEST_PREFIX, "abcdef0123"),
        ("", SelectorKind.ALIAS, "latest"),
    ],
)
def test_version_selectors(ref, kind, value):
    assert parse_version_selector(ref) == VersionSelector(kind, value)


@pytest.mark.parametrize("ref", ["v0", "0", "blake3:abc", "blake3:" + "a" * 65, "has space", "ünïcode", "-x"])
def test_bad_version_selectors(ref):
    with pytest.raises(Invalid) as raised:
        parse_version_selector(ref, ["query", "ref"])
    assert raised.value.extra["errors"][0]["loc"] == ["query", "ref"]


def test_references_with_and_without_paths():
    reference = parse_reference("faces:v3/train/a.csv", allow_path=True)
    assert (reference.artifact, reference.selector.value, reference.path) == ("faces", 3, "train/a.csv")
    assert parse_reference("faces").selector == VersionSelector.latest()
    assert parse_reference("faces:blake3:deadbeef00").selector.kind is SelectorKind.DIGEST_PREFIX
    for bad in ("faces/x", "Faces:v1", ":v1"):
        with pytest.raises(Invalid):
            parse_reference(bad)
    for bad in ("faces:v1/../x", "faces:v1/a//b", "faces:v1/./a", "faces:v1/a\\b"):
        with pytest.raises(Invalid):
            parse_reference(bad, allow_path=True)


@pytest.mark.parametrize("alias", ["v1", "cafebabe", "Prod", "1st", "a" * 64, "latest!"])
def test_alias_names_that_would_be_ambiguous_are_refused(alias):
    with pytest.raises(Invalid):
        check_alias_name(alias)


def test_alias_names_accepted():
    for alias in ("production", "staging", "cafe", "v1-candidate", "a.b_c-d"):
        assert check_alias_name(alias) == alias
