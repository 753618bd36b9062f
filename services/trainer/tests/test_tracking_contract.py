"""The SDK's ``kamld.start_run`` inside a trainer run writes what the trainer's reader reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import kamld
from kamld_trainer.executor.worker import TrackingReader


def test_tracking_inside_a_run_reaches_the_trainer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tracking, output = tmp_path / "tracking.jsonl", tmp_path / "output"
    output.mkdir()
    monkeypatch.setenv("KAMLD_RUN_ID", "3c8f7b8e-0000-4000-8000-000000000001")
    monkeypatch.setenv("KAMLD_TRACKING_FILE", str(tracking))
    monkeypatch.setenv("KAMLD_OUTPUT_DIR", str(output))
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"w")

    reader = TrackingReader(tracking)
    with kamld.start_run(params={"lr": 0.1}) as run:
        assert run.inside_trainer
        run.log_metric("loss", 0.7, step=0)
        first = reader.read()
        run.log_metric("loss", 0.4, step=1)
        assert run.push_model(model) is None
    second = reader.read()

    assert first.params == {"lr": 0.1}
    assert [(m.key, m.value, m.step) for m in first.metrics] == [("loss", 0.7, 0)]
    assert [(m.key, m.value, m.step) for m in second.metrics] == [("loss", 0.4, 1)]
    assert (output / "weights.bin").read_bytes() == b"w"


def test_a_line_being_written_is_read_once_complete(tmp_path: Path) -> None:
    tracking = tmp_path / "tracking.jsonl"
    tracking.write_text('{"type": "metric", "key": "a", "value": 1, "step": 0}\n{"type": "met')
    reader = TrackingReader(tracking)
    assert [m.key for m in reader.read().metrics] == ["a"]
    with tracking.open("a") as out:
        out.write('ric", "key": "b", "value": 2}\nnot json\n')
    assert [m.key for m in reader.read().metrics] == ["b"]
