"""The query language: what parses, how it compiles, and the 422s for what does not."""

from __future__ import annotations

import pytest

from kamld_common.errors import Invalid
from kamld_metadata_hub.search.query import Atom, parse_query, to_fts5, to_tsquery


def test_terms_phrases_prefixes_or_and_exclusion() -> None:
    query = parse_query('faces "first import" cat* a OR b -dogs')
    assert query.clauses == (
        (Atom(("faces",)),),
        (Atom(("first", "import")),),
        (Atom(("cat",), prefix=True),),
        (Atom(("a",)), Atom(("b",))),
    )
    assert query.excluded == (Atom(("dogs",)),)


def test_a_path_is_a_phrase_of_its_words() -> None:
    assert parse_query("train/cats/001.JPG").clauses == ((Atom(("train", "cats", "001", "jpg")),),)


def test_compiled_forms() -> None:
    query = parse_query("a OR b* -c")
    assert to_fts5(query) == '("a" OR "b"*) NOT "c"'
    assert to_tsquery(query) == "(('a') | ('b':*)) & !('c')"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('"unclosed', "never closed"),
        ("OR cats", "OR must stand between"),
        ("cats OR", "OR must stand between"),
        ("cats OR OR dogs", "OR must stand between"),
        ("-", "must be followed"),
        ("-dogs", "excluded terms alone"),
        ("ca*ts", "may only end a term"),
        ("(cats)", "parentheses"),
        ("///", "no letters or digits"),
        ("cats OR -dogs", "cannot be excluded"),
        ("   ", "empty"),
        ("x" * 300, "at most"),
    ],
)
def test_malformed_queries_are_refused_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_query(text)
    assert caught.value.code == "search_syntax"
    assert problem in (caught.value.detail or "")
