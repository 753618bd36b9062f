"""The tools KAML-D is measured against in the same run: ``cp -r`` and DVC with a local remote."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.measure import Measured, run_measured

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@kamld.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@kamld.invalid",
}


class Trash:
    """Trees set aside during a run and deleted only once every measurement is done.

    Deleting thousands of files makes the next thousands of files slower to create for a while:
    ext4 skips recently freed inodes when it allocates new ones (``recently_deleted``, up to
    minutes), and the scan showed up as seconds of kernel time in whichever tool pulled next.
    Moving a tree aside is one rename; nothing is freed until :meth:`empty`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        # When a run last emptied this trash, for the next run in the same work directory to wait.
        self.emptied_stamp = root.with_name(f".{root.name}-emptied-at")

    def discard(self, path: Path) -> None:
        if not path.exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        path.rename(self.root / f"{time.time_ns()}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.emptied_stamp.write_text(f"{time.time():.0f}\n")

    def seconds_since_emptied(self) -> float | None:
        """Seconds since a run last emptied this trash, or None if none did."""
        try:
            return max(0.0, time.time() - float(self.emptied_stamp.read_text()))
        except (OSError, ValueError):
            return None


def copy_tree(source: Path, target: Path, trash: Trash) -> Measured:
    trash.discard(target)
    return run_measured(["cp", "-r", str(source), str(target)])


class DvcRepo:
    """A git + DVC repository whose remote is a local directory, driven by the ``dvc`` command."""

    def __init__(self, root: Path, dvc: str, trash: Trash) -> None:
        self.root = root
        self.trash = trash
        self.repo = root / "repo"
        self.remote = root / "remote"
        self.dvc = dvc
        self.env = {**os.environ, **GIT_ENV, "DVC_NO_ANALYTICS": "1"}

    def _run(self, *args: str, cwd: Path | None = None) -> None:
        subprocess.run(args, cwd=cwd or self.repo, env=self.env, check=True, capture_output=True)

    def init(self) -> None:
        self.trash.discard(self.root)
        self.repo.mkdir(parents=True)
        self.remote.mkdir()
        self._run("git", "init", "-q")
        self._run(self.dvc, "init", "-q")
        self._run(self.dvc, "config", "core.autostage", "true")
        self._run(self.dvc, "remote", "add", "-d", "local", str(self.remote))
        self._run("git", "commit", "-qm", "init")

    def stage(self, source: Path) -> None:
        """Put ``source`` in the work tree as ``data/`` (not timed: DVC needs the data inside the repo)."""
        target = self.repo / "data"
        self.trash.discard(target)
        shutil.copytree(source, target)

    def add_and_push(self, message: str) -> Measured:
        measured = run_measured(
            ["bash", "-c", f"{self.dvc} add -q data && {self.dvc} push -q"], cwd=self.repo, env=self.env
        )
        self._run("git", "add", "-A")
        self._run("git", "commit", "-qm", message)
        return measured

    def pull_into_fresh_clone(self, target: Path, rev: str = "HEAD~1") -> Measured:
        self.trash.discard(target)
        self._run("git", "clone", "-q", str(self.repo), str(target), cwd=self.root)
        self._run("git", "checkout", "-q", rev, cwd=target)
        return run_measured([self.dvc, "pull", "-q"], cwd=target, env=self.env)
