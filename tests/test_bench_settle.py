"""The benchmark's wait for usual file-creation speed: it probes the real file system, waits while
creation is slow, and gives up at its limit without failing the run."""

from __future__ import annotations

from pathlib import Path

from bench.baselines import Trash
from bench.settle import (
    INTERVAL_S,
    QUIET_AFTER_DELETION_S,
    SLOW_CREATE_S,
    creation_seconds,
    wait_after_deletion,
    wait_for_usual_file_creation,
)


def test_a_probe_creates_its_files_and_keeps_them(tmp_path: Path) -> None:
    per_file = creation_seconds(tmp_path / "probe", count=45)
    assert per_file > 0
    created = sorted((tmp_path / "probe").rglob("*"))
    assert sorted(int(path.name) for path in created if path.is_file()) == list(range(45))
    assert len([path for path in created if path.is_dir()]) == 5


class Scripted:
    """Probe results in turn, and a clock that the waits advance."""

    def __init__(self, results: list[float]) -> None:
        self.results = results
        self.now = 0.0
        self.probed: list[Path] = []
        self.said: list[str] = []

    def probe(self, directory: Path) -> float:
        self.probed.append(directory)
        return self.results.pop(0)

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def run(self, limit_s: float) -> float:
        return wait_for_usual_file_creation(
            Path("probes"),
            limit_s=limit_s,
            probe=self.probe,
            sleep=self.sleep,
            clock=lambda: self.now,
            say=self.said.append,
        )


def test_fast_creation_waits_for_nothing_and_says_nothing() -> None:
    scripted = Scripted([SLOW_CREATE_S / 10])
    assert scripted.run(limit_s=420) == 0
    assert scripted.said == []


def test_slow_creation_is_probed_again_until_it_passes() -> None:
    slow = SLOW_CREATE_S * 4
    scripted = Scripted([slow, slow, SLOW_CREATE_S / 10])
    assert scripted.run(limit_s=420) == 2 * INTERVAL_S
    assert len(set(scripted.probed)) == 3, "each probe creates files in a directory of its own"
    assert "waiting up to 420 s" in scripted.said[0]
    assert "back to" in scripted.said[-1]


def test_the_wait_gives_up_at_its_limit_and_the_run_goes_on() -> None:
    scripted = Scripted([SLOW_CREATE_S * 4] * 100)
    waited = scripted.run(limit_s=60)
    assert 60 <= waited < 60 + INTERVAL_S
    assert "timing anyway" in scripted.said[-1]


def test_a_limit_of_zero_probes_once() -> None:
    scripted = Scripted([SLOW_CREATE_S * 4])
    assert scripted.run(limit_s=0) == 0
    assert len(scripted.probed) == 1


def test_a_run_soon_after_a_cleanup_sleeps_out_the_rest_of_the_window(tmp_path: Path) -> None:
    trash = Trash(tmp_path / "trash")
    assert trash.seconds_since_emptied() is None
    (tmp_path / "pulled").mkdir()
    trash.discard(tmp_path / "pulled")
    trash.empty()
    assert not (tmp_path / "trash").exists()
    since = trash.seconds_since_emptied()
    assert since is not None and since < 60
    slept: list[float] = []
    said: list[str] = []
    waited = wait_after_deletion(since, limit_s=420, sleep=slept.append, say=said.append)
    assert slept == [waited] and QUIET_AFTER_DELETION_S - 60 < waited <= QUIET_AFTER_DELETION_S
    assert "deleted its files" in said[0]


def test_no_recent_cleanup_or_a_zero_limit_sleeps_not_at_all() -> None:
    slept: list[float] = []
    assert wait_after_deletion(None, sleep=slept.append) == 0
    assert wait_after_deletion(QUIET_AFTER_DELETION_S + 1, sleep=slept.append) == 0
    assert wait_after_deletion(5, limit_s=0, sleep=slept.append, say=lambda _: None) == 0
    assert slept == []
