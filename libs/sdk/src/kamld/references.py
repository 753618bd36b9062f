"""Reading ``NAME[:REF][/PATH]`` on the client: the server checks names, this only splits them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kamld.errors import InvalidInput

LATEST = "latest"
ARTIFACT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")


def check_artifact_name(name: str) -> str:
    """Refuse a name the catalog would refuse, before any data is uploaded under it."""
    if not ARTIFACT_NAME.fullmatch(name):
        raise InvalidInput(
            f"artifact name {name!r} is invalid: use 1-128 characters of a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit",
            code="invalid_name",
        )
    return name


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
