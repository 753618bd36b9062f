"""Write counters shared by the gateway's worker processes through one mapped file."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from kamld_workbench_api.catalog.cache import VersionCache
from kamld_workbench_api.epochs import WriteEpochs, open_write_epochs


def _advance_many(path: str, name: str, times: int) -> None:
    epochs = WriteEpochs(Path(path))
    for _ in range(times):
        epochs.advance(name)
    epochs.close()


def test_two_mappings_of_one_file_see_each_others_writes(tmp_path: Path):
    a, b = WriteEpochs(tmp_path / "epochs"), WriteEpochs(tmp_path / "epochs")
    before = b.current("faces")
    a.advance("faces")
    assert b.current("faces") == before + 1
    a.close()
    b.close()


def test_processes_advancing_together_lose_no_increment(tmp_path: Path):
    path = tmp_path / "epochs"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_advance_many, args=(str(path), "faces", 500)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    epochs = WriteEpochs(path)
    assert epochs.current("faces") == 1000
    epochs.close()


def test_a_write_in_one_worker_retires_what_another_worker_cached(tmp_path: Path):
    one = VersionCache(ttl_s=60, epochs=WriteEpochs(tmp_path / "epochs"))
    other = VersionCache(ttl_s=60, epochs=WriteEpochs(tmp_path / "epochs"))
    other.put("faces", "latest", b"v1", other.ticket("faces"), other.clock())
    assert other.get("faces", "latest") is not None
    one.forget("faces")
    assert other.get("faces", "latest") is None


def test_an_unwritable_place_falls_back_to_private_counters(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    epochs = open_write_epochs(blocker / "epochs")
    epochs.advance("faces")
    assert epochs.current("faces") == 1
