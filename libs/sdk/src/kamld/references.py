"""Reading ``NAME[:REF][/PATH]`` on the client: the server checks names, this only splits them."""

from __future__ import annotations

from dataclasses import dataclass

from kamld.errors import InvalidInput

LATEST = "latest"


@dataclass(frozen=True)
class Reference:
    artifact: str
    ref: str = LATEST
    path: str | None = None

    def __str__(self) -> str:
        text = f"{self.artifact}:{self.ref}"
        return f"{text}/{self.path}" if self.path else text


def parse_reference(text: str, *, allow_path: bool = False) -> Reference:
    """Split a reference; ``faces`` means ``faces:latest``, ``faces/a.csv`` ``faces:latest/a.csv``."""
    text = text.strip()
    head, slash, path = text.partition("/")
    name, _, ref = head.partition(":")
    if not name:
        raise InvalidInput(f"reference {text!r} lacks an artifact name (NAME[:REF])", code="invalid_ref")
    if slash and not allow_path:
        raise InvalidInput(f"reference {text!r} must not name a path here", code="invalid_ref")
    return Reference(artifact=name, ref=ref or LATEST, path=path or None)
