"""``kamld pull`` writes large files around the page cache unless told ``--buffered``."""

from __future__ import annotations

import random

import pytest

from kamld_content.direct import FileWriter
from kamld_testing.pagecache import resident_pages

LARGE = (20 << 20) + 123  # over one 16 MiB download batch: the streaming, large-file path


def direct_io_works(directory) -> bool:
    probe = directory / "probe"
    writer = FileWriter(probe)
    writer.write(b"\0" * (1 << 20))
    writer.close()
    probe.unlink()
    return writer.direct_bytes > 0


def test_pull_writes_large_files_around_the_cache_and_buffered_through_it(platform, kamld_cli, tmp_path):
    if not direct_io_works(tmp_path):
        pytest.skip("this file system refuses O_DIRECT: pulls write through the page cache")
    source = tmp_path / "src"
    source.mkdir()
    data = random.Random(41).randbytes(LARGE)
    (source / "weights.bin").write_bytes(data)
    env = {"KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token}
    home = tmp_path / "home"
    pushed = kamld_cli("push", str(source), "page-cache-check", "-m", "v1", home=home, env=env)
    assert pushed.returncode == 0, pushed.stderr

    direct = tmp_path / "direct"
    pulled = kamld_cli("pull", "page-cache-check:v1", str(direct), home=home, env=env)
    assert pulled.returncode == 0, pulled.stderr
    assert resident_pages(direct / "weights.bin") <= 2  # the unaligned last block only

    buffered = tmp_path / "buffered"
    pulled = kamld_cli(
        "pull", "page-cache-check:v1", str(buffered), home=home, env={**env, "KAMLD_PULL_BUFFERED": "1"}
    )
    assert pulled.returncode == 0, pulled.stderr
    assert resident_pages(buffered / "weights.bin") > 2

    assert (direct / "weights.bin").read_bytes() == data == (buffered / "weights.bin").read_bytes()
