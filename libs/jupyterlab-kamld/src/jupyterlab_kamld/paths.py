"""Paths the browser names, relative to the Jupyter root; none may lead outside it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from jupyterlab_kamld.problems import Problem


def inside_root(root: Path, relative: object, field: str) -> Path:
    """``relative`` (``a/b``, ``""`` for the root itself) under ``root``, symlinks followed.

    A path that is absolute, or whose resolved location is outside the root (``..``, a link
    pointing out), is refused with a 422 naming ``field``.
    """
    if not isinstance(relative, str):
        raise Problem(422, "invalid_path", f"{field} must be a string", field=field)
    pure = PurePosixPath(relative)
    if pure.is_absolute() or "\x00" in relative:
        raise Problem(
            422, "path_outside_root", f"{field} {relative!r} must be relative to the root", field=field
        )
    base = root.resolve()
    target = (base / pure).resolve()
    if target != base and base not in target.parents:
        raise Problem(
            422, "path_outside_root", f"{field} {relative!r} leads outside the Jupyter root", field=field
        )
    return target
