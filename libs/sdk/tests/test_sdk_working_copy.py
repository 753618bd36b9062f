"""A pulled directory as a working copy, against a real storage-gateway: safety, deltas, subtrees."""

from __future__ import annotations

import os
import random
from dataclasses import replace
from pathlib import Path

import pytest

from kamld.errors import LocalChangesError, NotFound
from kamld.transfer import (
    DEFAULT_LIMITS,
    STATE_DIR,
    WorkingCopy,
    compare,
    download,
    pull_manifest,
    push,
    push_directory,
    target_entries,
)

SMALL = replace(DEFAULT_LIMITS, download_batch_bytes=2 << 20)


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the working-copy state, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != STATE_DIR
    }


def everything(root: Path) -> dict[str, bytes]:
    """Every file under ``root``, the state included: what a refused pull must leave as it was."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def versions(gateway, tmp_path):
    """Two versions of a tree: v2 edits a large file in the middle, changes and adds small files."""
    rng = random.Random(71)
    v1 = tmp_path / "v1"
    (v1 / "images").mkdir(parents=True)
    big = bytearray(rng.randbytes(12 << 20))
    (v1 / "big.bin").write_bytes(big)
    (v1 / "labels.csv").write_text("a,b\n1,2\n")
    (v1 / "images" / "cat.png").write_bytes(rng.randbytes(5000))
    (v1 / "images" / "dog.png").write_bytes(rng.randbytes(7000))
    v2 = tmp_path / "v2"
    (v2 / "images").mkdir(parents=True)
    big[6 << 20 : (6 << 20) + 1000] = rng.randbytes(1000)
    (v2 / "big.bin").write_bytes(big)
    (v2 / "labels.csv").write_text("a,b\n1,2\n3,4\n")
    (v2 / "images" / "cat.png").write_bytes((v1 / "images" / "cat.png").read_bytes())
    (v2 / "images" / "dog.png").write_bytes((v1 / "images" / "dog.png").read_bytes())
    (v2 / "extra.txt").write_text("only in v2")
    with gateway.client() as client:
        first = push_directory(client, "", v1).digest
        second = push_directory(client, "", v2).digest
    return {"v1": (first, v1), "v2": (second, v2)}


def test_switching_versions_makes_the_directory_exactly_the_target_and_reuses_local_chunks(
    gateway, versions, tmp_path
):
    (v1, v1_tree), (v2, _) = versions["v1"], versions["v2"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v2, work, limits=SMALL)
        (work / "notes.md").write_text("my own notes")
        back = pull_manifest(client, "", v1, work, limits=SMALL)
    assert files(work) == {**files(v1_tree), "notes.md": b"my own notes"}
    assert back.files_removed == 1  # extra.txt, tracked and unmodified
    assert back.untracked == ["notes.md"]
    # big.bin differs by 1000 bytes: one or two chunks travel, the rest come from the old file.
    assert back.bytes_reused >= 8 << 20
    assert back.bytes_downloaded <= (4 << 20) * 2 + 100
    assert WorkingCopy.load(work).source.digest == v1


def test_a_pull_that_would_destroy_local_changes_is_refused_before_anything_is_written(
    gateway, versions, tmp_path
):
    (v1, _), (v2, _) = versions["v1"], versions["v2"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v2, work)
        (work / "labels.csv").write_text("edited by hand")  # v1 has another labels.csv
        (work / "extra.txt").write_text("edited, and v1 lacks it")
        before = everything(work)
        with pytest.raises(LocalChangesError) as refused:
            pull_manifest(client, "", v1, work)
        assert everything(work) == before
        assert [path for path, _ in refused.value.conflicts] == ["extra.txt", "labels.csv"]
        assert "nothing was written" in str(refused.value)
        forced = pull_manifest(client, "", v1, work, force=True)
    assert files(work) == files(versions["v1"][1])
    assert forced.files_removed == 1


def test_an_untracked_file_in_the_way_is_refused_and_an_identical_one_is_adopted(gateway, versions, tmp_path):
    v1, v1_tree = versions["v1"]
    work = tmp_path / "work"
    work.mkdir()
    (work / "labels.csv").write_bytes((v1_tree / "labels.csv").read_bytes())  # the same: adopted
    (work / "big.bin").write_text("someone else's file")
    with gateway.client() as client:
        with pytest.raises(LocalChangesError) as refused:
            pull_manifest(client, "", v1, work)
        assert refused.value.conflicts == [("big.bin", "untracked; the version has another file here")]
        assert sorted(os.listdir(work)) == ["big.bin", "labels.csv"]
        (work / "big.bin").unlink()
        pulled = pull_manifest(client, "", v1, work)
    assert pulled.files_skipped == 1
    assert files(work) == files(v1_tree)


def test_unchanged_files_are_trusted_by_size_and_mtime_and_a_repeat_pull_downloads_nothing(
    gateway, versions, tmp_path
):
    v1, v1_tree = versions["v1"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v1, work)
        state = (work / STATE_DIR / "state.json").read_bytes()
        again = pull_manifest(client, "", v1, work)
        assert (again.files_written, again.bytes_downloaded, again.files_skipped) == (0, 0, 4)
        assert (work / STATE_DIR / "state.json").read_bytes() == state
        # Same size, same mtime, other bytes: trusted unread (what makes a repeat pull cheap).
        labels = work / "labels.csv"
        stat = labels.stat()
        labels.write_text("X,b\n1,2\n")
        os.utime(labels, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert pull_manifest(client, "", v1, work).files_written == 0
        # A new mtime makes it suspect: hashed, found changed, and the pull refuses to lose it.
        os.utime(labels, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        with pytest.raises(LocalChangesError):
            pull_manifest(client, "", versions["v2"][0], work)
        # Touched but not changed is no change.
        labels.write_bytes((v1_tree / "labels.csv").read_bytes())
        assert pull_manifest(client, "", v1, work).files_written == 0


def test_include_touches_only_the_matching_paths(gateway, versions, tmp_path):
    (v1, v1_tree), (v2, v2_tree) = versions["v1"], versions["v2"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v2, work)
        partial = pull_manifest(client, "", v1, work, include=["*.csv"])
        assert partial.file_count == 1 and partial.files_written == 1
        assert files(work) == {**files(v2_tree), "labels.csv": (v1_tree / "labels.csv").read_bytes()}
        # A matching tracked file the version lacks is removed; the others are not touched.
        texts = pull_manifest(client, "", v1, work, include=["*.txt"])
        assert (texts.file_count, texts.files_removed) == (0, 1)
        assert (
            not (work / "extra.txt").exists()
            and (work / "big.bin").read_bytes() == (v2_tree / "big.bin").read_bytes()
        )
        # The rest of v1, pulled without --include, completes the switch.
        pull_manifest(client, "", v1, work)
    assert files(work) == files(v1_tree)


class Interrupt(Exception):
    pass


def interrupt_the_second_small_file(monkeypatch) -> None:
    """The pull stops (as if killed) when it comes to write its second small file."""
    write_whole = download._write_whole
    calls = []

    def stop(target, entry, parts) -> None:
        calls.append(entry.path)
        if len(calls) == 2:
            raise Interrupt
        write_whole(target, entry, parts)

    monkeypatch.setattr(download, "_write_whole", stop)


def test_an_interrupted_pull_leaves_each_file_old_or_new_and_the_next_pull_finishes(
    gateway, versions, tmp_path, monkeypatch
):
    (v1, v1_tree), (v2, v2_tree) = versions["v1"], versions["v2"]
    old, new = files(v1_tree), files(v2_tree)
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v1, work, limits=SMALL)
        with monkeypatch.context() as patch:
            interrupt_the_second_small_file(patch)
            with pytest.raises(Interrupt):
                pull_manifest(client, "", v2, work, limits=SMALL, concurrency=1)
        halfway = files(work)
        assert halfway != old and halfway != new
        for path, data in halfway.items():
            assert data in (old.get(path), new.get(path)), f"{path} is neither old nor new"
        assert not list(work.rglob(".kamld-tmp-*"))
        # Files the interrupted pull wrote are its own, not local changes: v1 can be pulled back.
        back = pull_manifest(client, "", v1, work, limits=SMALL)
        assert files(work) == old
        assert back.bytes_reused > 0
        with monkeypatch.context() as patch:
            interrupt_the_second_small_file(patch)
            with pytest.raises(Interrupt):
                pull_manifest(client, "", v2, work, limits=SMALL, concurrency=1)
        pull_manifest(client, "", v2, work, limits=SMALL)
    assert files(work) == new
    assert WorkingCopy.load(work).pending is None


def test_a_subtree_pulls_with_paths_relative_to_its_folder(gateway, versions, tmp_path):
    v1, v1_tree = versions["v1"]
    with gateway.client() as client:
        images = pull_manifest(client, "", v1, tmp_path / "images", prefix="images")
        pull_manifest(client, "", v1, tmp_path / "one", prefix="labels.csv")
        with pytest.raises(NotFound, match="no file or folder 'imag'"):
            pull_manifest(client, "", v1, tmp_path / "none", prefix="imag")
    assert images.file_count == 2
    assert files(tmp_path / "images") == files(v1_tree / "images")
    assert files(tmp_path / "one") == {"labels.csv": b"a,b\n1,2\n"}
    assert not (tmp_path / "none").exists()


def test_compare_lists_local_changes_against_a_version(gateway, versions, tmp_path):
    v1, _ = versions["v1"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v1, work)
        (work / "labels.csv").write_text("changed")
        (work / "images" / "dog.png").unlink()
        (work / "new.txt").write_text("new")
        entries = list(target_entries(client, "", v1))
    changes = [(c.change, c.path) for c in compare(work, entries)]
    assert changes == [("removed", "images/dog.png"), ("modified", "labels.csv"), ("added", "new.txt")]


def test_the_state_is_never_pushed(gateway, versions, tmp_path):
    v1, v1_tree = versions["v1"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v1, work)
        assert (work / STATE_DIR / "state.json").is_file()
        assert push_directory(client, "", work).digest == v1


def test_a_delta_from_an_old_file_changed_behind_the_states_back_downloads_the_file_whole(
    gateway, versions, tmp_path
):
    """Same size and mtime but other bytes: the patched file fails its digest and is fetched whole."""
    (v1, v1_tree), (v2, _) = versions["v1"], versions["v2"]
    work = tmp_path / "work"
    with gateway.client() as client:
        pull_manifest(client, "", v2, work, limits=SMALL)
        big = work / "big.bin"
        stat = big.stat()
        data = bytearray(big.read_bytes())
        data[100:110] = b"0123456789"
        big.write_bytes(bytes(data))
        os.utime(big, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        back = pull_manifest(client, "", v1, work, limits=SMALL)
    assert files(work) == files(v1_tree)
    assert back.bytes_downloaded >= 12 << 20
    assert not list(work.rglob(".kamld-tmp-*"))


def test_a_push_reads_only_the_files_changed_since_the_state_was_recorded(
    gateway, versions, tmp_path, monkeypatch
):
    v1, _ = versions["v1"]
    work = tmp_path / "work"
    read: list[str] = []
    scan_file = push.scan_file

    def recording(source, **options):
        read.append(Path(source).name)
        return scan_file(source, **options)

    monkeypatch.setattr(push, "scan_file", recording)
    with gateway.client() as client:
        pull_manifest(client, "", v1, work)
        same = push_directory(client, "", work, known=WorkingCopy.load(work).files, limits=SMALL)
        assert same.digest == v1 and read == []
        (work / "labels.csv").write_text("a,b\n5,6\n")
        changed = push_directory(client, "", work, known=WorkingCopy.load(work).files, limits=SMALL)
    assert read == ["labels.csv"]
    assert changed.digest != v1 and changed.bytes_sent == len("a,b\n5,6\n")


def test_a_working_copy_inside_another_is_pushed_without_its_state(gateway, versions, tmp_path):
    v1, v1_tree = versions["v1"]
    outer = tmp_path / "outer"
    with gateway.client() as client:
        pull_manifest(client, "", v1, outer)
        pull_manifest(client, "", v1, outer / "nested" / "images", prefix="images")
        assert (outer / "nested" / "images" / STATE_DIR / "state.json").is_file()
        pushed = push_directory(client, "", outer)
        paths = [entry.path for entry in target_entries(client, "", pushed.digest)]
    assert paths == sorted([*files(v1_tree), "nested/images/cat.png", "nested/images/dog.png"])
