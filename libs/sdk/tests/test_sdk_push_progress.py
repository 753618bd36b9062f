"""The push's live bars show what the SDK reports, the deduplicated one included."""

from __future__ import annotations

from rich.progress import Progress as Bars

from kamld.cli.catalog import PushProgress
from kamld.transfer import Progress


def test_the_deduplicated_bar_shows_the_servers_answers_not_scanned_minus_sent() -> None:
    bars = Bars(disable=True)
    push = PushProgress(bars)
    # 100 MB hashed, but the server has only answered for the first 10 MB, of which 4 are new.
    push(Progress("scan", 100 << 20, 100 << 20))
    push(Progress("upload", 1 << 20, 4 << 20))
    push(Progress("deduplicated", 6 << 20, 10 << 20))
    tasks = {task.description: task for task in bars.tasks}
    assert tasks["hashed"].completed == tasks["hashed"].total == 100 << 20
    assert (tasks["sent"].completed, tasks["sent"].total) == (1 << 20, 4 << 20)
    assert (tasks["deduplicated"].completed, tasks["deduplicated"].total) == (6 << 20, 10 << 20)
