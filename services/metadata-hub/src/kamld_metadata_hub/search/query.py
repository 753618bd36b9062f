"""The search query language, parsed once and compiled for each engine.

``cats dogs`` (both), ``cats OR dogs``, ``"train cats"`` (a phrase), ``-dogs`` (not), ``cat*`` (a
prefix). A term is cut into words where it has no letters or digits, the way every engine's
tokenizer cuts the indexed text: ``train/cats/001.jpg`` is the phrase ``train cats 001 jpg``.
Anything else is a syntax error, answered 422 with what is wrong, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kamld_common.errors import Invalid

MAX_QUERY_LENGTH = 256
MAX_ATOMS = 16
WORD = re.compile(r"[^\W_]+")
FIELD = ["query", "q"]


@dataclass(frozen=True)
class Atom:
    """Words that must appear in this order; ``prefix`` lets the last one be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """All of ``clauses`` (each one of its atoms) and none of ``excluded``."""

    clauses: tuple[tuple[Atom, ...], ...]
    excluded: tuple[Atom, ...] = ()

    def words(self) -> set[str]:
        """Every positive word (for highlighting); prefixes as given."""
        return {word for clause in self.clauses for atom in clause for word in atom.words}

    def prefixes(self) -> set[str]:
        return {atom.words[-1] for clause in self.clauses for atom in clause if atom.prefix}


def words_of(text: str) -> list[str]:
    """The words of ``text`` as the engines index them: runs of letters and digits, lower-cased."""
    return [word.lower() for word in WORD.findall(text)]


def _syntax(message: str) -> Invalid:
    return Invalid(f"search syntax: {message}", field=FIELD, code="search_syntax")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split into (token, quoted) pairs; a quoted token keeps its leading ``-`` outside the quotes."""
    tokens: list[tuple[str, bool]] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        negated = char == "-" and position + 1 < len(text) and text[position + 1] == '"'
        start = position + 1 if negated else position
        if text[start] == '"':
            end = text.find('"', start + 1)
            if end < 0:
                raise _syntax(f"the quote at character {start + 1} is never closed")
            tail = end + 1
            if tail < len(text) and text[tail] == "*":
                tail += 1
            if tail < len(text) and not text[tail].isspace():
                raise _syntax(f"put a space after the closing quote at character {end + 1}")
            tokens.append((("-" if negated else "") + text[start:tail], True))
            position = tail
            continue
        end = position
        while end < len(text) and not text[end].isspace():
            if text[end] == '"':
                raise _syntax(f"a quote at character {end + 1} inside a word")
            end += 1
        tokens.append((text[position:end], False))
        position = end
    return tokens


def _atom(token: str, quoted: bool) -> Atom:
    body = token
    prefix = body.endswith("*")
    if prefix:
        body = body[:-1]
    if quoted:
        body = body[1:-1]
    elif "*" in body:
        raise _syntax(f"'*' may only end a term, as in cat*, not {token!r}")
    if body.startswith(("(", ")")) or body.endswith(("(", ")")):
        raise _syntax("parentheses are not supported; terms are all required unless joined by OR")
    words = words_of(body)
    if not words:
        raise _syntax(f"{token!r} has no letters or digits to search for")
    return Atom(tuple(words), prefix)


def parse_query(text: str) -> Query:
    """Parse ``text``; raise a 422 :class:`Invalid` (code ``search_syntax``) naming the problem."""
    if len(text) > MAX_QUERY_LENGTH:
        raise _syntax(f"at most {MAX_QUERY_LENGTH} characters")
    clauses: list[list[Atom]] = []
    excluded: list[Atom] = []
    joining = False
    tokens = _tokens(text)
    if not tokens:
        raise _syntax("the query is empty")
    for index, (token, quoted) in enumerate(tokens):
        if token == "OR" and not quoted:
            if joining or not clauses or index == len(tokens) - 1:
                raise _syntax("OR must stand between two terms")
            joining = True
            continue
        if token.startswith("-"):
            if joining:
                raise _syntax(f"a term after OR cannot be excluded ({token!r})")
            if index + 1 < len(tokens) and tokens[index + 1] == ("OR", False):
                raise _syntax(f"an excluded term cannot be joined by OR ({token!r})")
            if len(token) == 1:
                raise _syntax("'-' must be followed by the term to exclude")
            excluded.append(_atom(token[1:], quoted))
            continue
        atom = _atom(token, quoted)
        if joining:
            clauses[-1].append(atom)
            joining = False
        else:
            clauses.append([atom])
    if not clauses:
        raise _syntax("give at least one term to find; excluded terms alone match nothing")
    if sum(len(clause) for clause in clauses) + len(excluded) > MAX_ATOMS:
        raise _syntax(f"at most {MAX_ATOMS} terms")
    return Query(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def to_fts5(query: Query) -> str:
    """An SQLite FTS5 MATCH expression (every word quoted, so no word is read as an operator)."""

    def atom(a: Atom) -> str:
        return '"' + " ".join(a.words) + '"' + ("*" if a.prefix else "")

    positive = " AND ".join("(" + " OR ".join(atom(a) for a in clause) + ")" for clause in query.clauses)
    return positive + "".join(f" NOT {atom(a)}" for a in query.excluded)


def to_tsquery(query: Query) -> str:
    """A PostgreSQL ``to_tsquery('simple', ...)`` text: phrases with ``<->``, prefixes with ``:*``."""

    def atom(a: Atom) -> str:
        words = [f"'{word}'" for word in a.words]
        if a.prefix:
            words[-1] += ":*"
        return "(" + " <-> ".join(words) + ")"

    positive = " & ".join("(" + " | ".join(atom(a) for a in clause) + ")" for clause in query.clauses)
    return positive + "".join(f" & !{atom(a)}" for a in query.excluded)
