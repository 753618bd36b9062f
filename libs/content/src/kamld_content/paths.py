"""Rules for the paths of files inside a version.

A path is relative, POSIX (``/``-separated), UTF-8, and normalized: ``.`` components and repeated
or trailing slashes are dropped. Anything that could escape the target directory on pull
(``..``, absolute paths), confuse a filesystem (NUL, control characters, backslashes) or exceed
common filesystem limits is refused with :class:`InvalidPath`, which names the path and the rule.
Paths are compared byte for byte: no case folding, no Unicode normalization.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 4096


class InvalidPath(ValueError):
    """``path`` breaks a rule; ``reason`` says which, in words fit for a user."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"invalid path {path[:200]!r}: {reason}")
        self.path = path
        self.reason = reason


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Components of common ASCII characters, one slash apart: such a path is in normal form unless a
# component is "." or "..", so a commit of many files checks most paths with one match.
_PLAIN_COMPONENT = rf"[A-Za-z0-9 ._+=,@~-]{{1,{MAX_COMPONENT_BYTES}}}"
_PLAIN = re.compile(rf"{_PLAIN_COMPONENT}(?:/{_PLAIN_COMPONENT})*")


def normalize_path(path: str) -> str:
    """The normalized form of ``path``; raises :class:`InvalidPath` when it breaks a rule."""
    if type(path) is str and len(path) <= MAX_PATH_BYTES and _PLAIN.fullmatch(path):
        wrapped = f"/{path}/"
        if "/./" not in wrapped and "/../" not in wrapped:
            return path
    return _normalize_checked(path)


def _normalize_checked(path: str) -> str:
    """:func:`normalize_path` rule by rule, naming the rule a path breaks."""
    if not isinstance(path, str):
        raise InvalidPath(repr(path), f"a path must be a string, got {type(path).__name__}")
    if "\x00" in path:
        raise InvalidPath(path, "contains a NUL character")
    if _CONTROL.search(path):
        raise InvalidPath(path, "contains a control character")
    if "\\" in path:
        raise InvalidPath(path, "contains a backslash; use '/' to separate directories")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidPath(path, "is not valid UTF-8") from None
    if path.startswith("/"):
        raise InvalidPath(path, "is absolute; paths are relative to the version's root")
    components = [part for part in path.split("/") if part not in ("", ".")]
    if not components:
        raise InvalidPath(path, "is empty")
    for part in components:
        if part == "..":
            raise InvalidPath(path, "contains a '..' component")
        if len(part.encode("utf-8")) > MAX_COMPONENT_BYTES:
            raise InvalidPath(path, f"has a component longer than {MAX_COMPONENT_BYTES} bytes")
    normalized = "/".join(components)
    if len(normalized.encode("utf-8")) > MAX_PATH_BYTES:
        raise InvalidPath(path, f"is longer than {MAX_PATH_BYTES} bytes")
    return normalized


def is_normalized(path: str) -> bool:
    """True when ``path`` is valid and already in normal form."""
    try:
        return normalize_path(path) == path
    except InvalidPath:
        return False


def parent_directories(path: str) -> list[str]:
    """The directories that contain a normalized ``path``: ``a/b/c`` -> ``["a", "a/b"]``."""
    parts = path.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts))]


def find_file_directory_clash(paths: Iterable[str]) -> tuple[str, str] | None:
    """A pair ``(file, other)`` where ``file`` is also a directory of ``other``, or None.

    A version cannot hold both ``a`` and ``a/b``: no filesystem could check it out.
    """
    files = set(paths)
    for path in files:
        for directory in parent_directories(path):
            if directory in files:
                return directory, path
    return None


def resolve_inside(root: str | os.PathLike[str], link: str | os.PathLike[str]) -> Path:
    """Where the symlink ``link`` under ``root`` finally points, refusing targets outside ``root``.

    Raises :class:`InvalidPath` for a dangling link, a cycle, or a target that escapes the tree.
    """
    root_path = Path(root).resolve(strict=True)
    relative = os.path.relpath(link, root)
    try:
        target = Path(link).resolve(strict=True)
    except FileNotFoundError:
        raise InvalidPath(relative, "is a symbolic link whose target does not exist") from None
    except (RuntimeError, OSError):
        raise InvalidPath(relative, "is a symbolic link in a cycle") from None
    if target != root_path and root_path not in target.parents:
        raise InvalidPath(relative, "is a symbolic link that points outside the pushed directory")
    return target
