"""One ``kamld up`` per home: the lock is held while it runs, refused to a second, and a file left
by one that died is taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamld.instance import LOCK_FILE, AlreadyRunning, claim_home


def test_a_second_claim_is_refused_with_the_first_ones_url(tmp_path: Path):
    with claim_home(tmp_path, "http://127.0.0.1:18080"):
        with pytest.raises(AlreadyRunning) as refused:
            with claim_home(tmp_path, "http://127.0.0.1:19080"):
                pass
        assert refused.value.url == "http://127.0.0.1:18080"
        assert refused.value.pid == os.getpid()
        assert "http://127.0.0.1:18080" in str(refused.value) and str(tmp_path) in str(refused.value)
    with claim_home(tmp_path, "http://127.0.0.1:19080"):
        assert json.loads((tmp_path / LOCK_FILE).read_text())["url"] == "http://127.0.0.1:19080"


def test_the_lock_of_a_process_that_died_is_taken_over(tmp_path: Path):
    holder = (
        "import os, sys; from pathlib import Path; from kamld.instance import claim_home\n"
        "with claim_home(Path(sys.argv[1]), 'http://127.0.0.1:28080'):\n"
        "    os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", holder, str(tmp_path)], check=True)
    assert json.loads((tmp_path / LOCK_FILE).read_text())["url"] == "http://127.0.0.1:28080"
    with claim_home(tmp_path, "http://127.0.0.1:29080"):
        assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()


def test_a_lock_file_that_is_not_json_is_taken_over(tmp_path: Path):
    (tmp_path / LOCK_FILE).write_text("12345\n")
    with claim_home(tmp_path, "http://127.0.0.1:38080"):
        assert json.loads((tmp_path / LOCK_FILE).read_text())["url"] == "http://127.0.0.1:38080"
