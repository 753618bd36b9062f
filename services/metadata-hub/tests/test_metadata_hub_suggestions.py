"""``did you mean``: names that extend what was typed come first, then close spellings."""

from __future__ import annotations

from kamld_metadata_hub.suggestions import close_names, did_you_mean


def test_a_prefix_finds_the_longer_name():
    assert close_names("prod", ["latest", "production", "staging"]) == ["production"]


def test_a_misspelling_finds_the_close_name_once():
    assert close_names("prodution", ["production", "staging"]) == ["production"]
    assert close_names("production", ["production"]) == []


def test_extending_names_come_before_similar_ones_and_at_most_five():
    known = [f"prod{i}" for i in range(8)] + ["prot"]
    found = close_names("prod", known)
    assert len(found) == 5 and found == sorted(found) and all(n.startswith("prod") for n in found)


def test_the_hint_names_the_suggestions_or_nothing():
    assert did_you_mean(["production", "prod2"]) == "; did you mean production, prod2?"
    assert did_you_mean([]) == ""
