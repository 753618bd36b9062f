"""Highlighted matches, computed the same way for every engine from the hit's own text."""

from __future__ import annotations

from dataclasses import dataclass

from kamld_metadata_hub.search.query import WORD, Query

MAX_FRAGMENT = 160


@dataclass(frozen=True)
class Highlight:
    field: str
    text: str
    spans: list[tuple[int, int]]


def _fragment(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around its first match, with spans shifted into it."""
    if len(text) <= MAX_FRAGMENT:
        return text, spans
    start = max(0, spans[0][0] - MAX_FRAGMENT // 4)
    end = min(len(text), start + MAX_FRAGMENT)
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    return text[start:end], inside


def highlights(query: Query, fields: dict[str, str]) -> list[Highlight]:
    """For each field that holds a query word (or a word a prefix starts), where it does."""
    words = query.words()
    prefixes = query.prefixes()
    found: list[Highlight] = []
    for name, text in fields.items():
        if not text:
            continue
        spans = [
            (match.start(), match.end())
            for match in WORD.finditer(text)
            if match.group().lower() in words or any(match.group().lower().startswith(p) for p in prefixes)
        ]
        if spans:
            fragment, shifted = _fragment(text, spans)
            found.append(Highlight(name, fragment, shifted))
    return found
