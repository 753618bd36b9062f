"""The grammar of names and references: ``NAME[:REF][/PATH]``.

REF is ``v3`` or ``3`` (a version number), an alias, or a digest prefix of at least 8 hex
characters with or without ``blake3:``. Alias names may therefore look neither like a number
(``v3``) nor like a digest prefix (8+ hex characters), so every REF has exactly one reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from kamld_common.errors import Invalid

ARTIFACT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}")
ALIAS_NAME = re.compile(r"[a-z][a-z0-9._-]{0,62}")
DIGEST = re.compile(r"blake3:[0-9a-f]{64}")
ROLE = re.compile(r"[a-z][a-z0-9_]{0,31}")
LABEL_KEY = re.compile(r"[a-z0-9](?:[a-z0-9._/-]{0,61}[a-z0-9])?")

DIGEST_ALGORITHM = "blake3:"
MIN_DIGEST_PREFIX = 8
LATEST = "latest"

_NUMBER = re.compile(r"v?([0-9]{1,7})")
_HEX_PREFIX = re.compile(r"[0-9a-f]{8,64}")
_VERSION_NAME = re.compile(r"v[0-9]+")


class SelectorKind(StrEnum):
    NUMBER = "number"
    ALIAS = "alias"
    DIGEST_PREFIX = "digest_prefix"


@dataclass(frozen=True)
class VersionSelector:
    """One parsed REF: what to look up among an artifact's versions."""

    kind: SelectorKind
    value: str | int

    @classmethod
    def latest(cls) -> VersionSelector:
        return cls(SelectorKind.ALIAS, LATEST)


@dataclass(frozen=True)
class Reference:
    """A parsed ``NAME[:REF][/PATH]``."""

    artifact: str
    selector: VersionSelector
    path: str | None = None


def version_name(number: int) -> str:
    return f"v{number}"


def version_ref(artifact: str, number: int) -> str:
    return f"{artifact}:v{number}"


def check_artifact_name(name: str, field: str | list[str | int] = "name") -> str:
    if not isinstance(name, str) or not ARTIFACT_NAME.fullmatch(name):
        raise Invalid(
            f"artifact name {name!r} must match [a-z0-9][a-z0-9._-]{{0,127}}",
            field=field,
            code="invalid_name",
        )
    return name


def check_alias_name(alias: str, field: str | list[str | int] = "alias") -> str:
    if not ALIAS_NAME.fullmatch(alias):
        raise Invalid(
            f"alias {alias!r} must match [a-z][a-z0-9._-]{{0,62}}", field=field, code="invalid_alias"
        )
    if _VERSION_NAME.fullmatch(alias) or _HEX_PREFIX.fullmatch(alias):
        raise Invalid(
            f"alias {alias!r} would read as a version number or a digest prefix",
            field=field,
            code="invalid_alias",
        )
    return alias


def parse_version_selector(ref: str | None, field: str | list[str | int] = "ref") -> VersionSelector:
    """Read one REF; an empty REF means ``latest``."""
    if ref is None or ref == "":
        return VersionSelector.latest()
    text = ref.strip().lower()
    if text.startswith(DIGEST_ALGORITHM):
        prefix = text[len(DIGEST_ALGORITHM) :]
        if not _HEX_PREFIX.fullmatch(prefix):
            raise Invalid(
                f"digest prefix {ref!r} needs 8 to 64 hex characters after 'blake3:'",
                field=field,
                code="invalid_ref",
            )
        return VersionSelector(SelectorKind.DIGEST_PREFIX, prefix)
    if number := _NUMBER.fullmatch(text):
        value = int(number.group(1))
        if value < 1:
            raise Invalid("version numbers start at 1", field=field, code="invalid_ref")
        return VersionSelector(SelectorKind.NUMBER, value)
    if _HEX_PREFIX.fullmatch(text):
        return VersionSelector(SelectorKind.DIGEST_PREFIX, text)
    if ALIAS_NAME.fullmatch(text):
        return VersionSelector(SelectorKind.ALIAS, text)
    raise Invalid(
        f"{ref!r} is not a version reference (v3, 3, an alias, or a digest prefix of 8+ hex characters)",
        field=field,
        code="invalid_ref",
    )


def _check_path(path: str, field: str | list[str | int]) -> str:
    parts = path.split("/")
    if "\\" in path or "\x00" in path or any(part in ("", ".", "..") for part in parts):
        raise Invalid(
            f"path {path!r} must be a relative path without '.', '..' or empty parts",
            field=field,
            code="invalid_path",
        )
    return path


def parse_reference(
    text: str, field: str | list[str | int] = "ref", *, allow_path: bool = False
) -> Reference:
    """Read ``NAME[:REF]`` (and ``/PATH`` when ``allow_path``)."""
    head, slash, path = text.partition("/")
    if slash and not allow_path:
        raise Invalid(f"reference {text!r} must not name a path", field=field, code="invalid_ref")
    name, _, ref = head.partition(":")
    check_artifact_name(name, field)
    return Reference(
        artifact=name,
        selector=parse_version_selector(ref, field),
        path=_check_path(path, field) if slash else None,
    )
