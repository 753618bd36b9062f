"""Names a person probably meant when they typed an unknown one (``did you mean …?``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_SUGGESTIONS = 5


def close_names(typed: str, known: Iterable[str]) -> list[str]:
    """Known names that extend what was typed (``prod`` → ``production``), then close spellings."""
    candidates = [name for name in known if name != typed]
    extending = sorted(name for name in candidates if name.startswith(typed) or typed.startswith(name))
    similar = difflib.get_close_matches(typed, candidates, n=MAX_SUGGESTIONS, cutoff=0.6)
    return list(dict.fromkeys([*extending, *similar]))[:MAX_SUGGESTIONS]


def did_you_mean(suggestions: list[str]) -> str:
    """The tail of an error's detail that names ``suggestions``, or nothing."""
    return f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
