import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamld_content.paths import (
    MAX_COMPONENT_BYTES,
    MAX_PATH_BYTES,
    InvalidPath,
    _normalize_checked,
    find_file_directory_clash,
    is_normalized,
    normalize_path,
    parent_directories,
    resolve_inside,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("a.csv", "a.csv"),
        ("train/a.csv", "train/a.csv"),
        ("./train/a.csv", "train/a.csv"),
        ("train/./a.csv", "train/a.csv"),
        ("train//images///a.png", "train/images/a.png"),
        ("train/", "train"),
        ("..a/b..", "..a/b.."),
        (".hidden/.x", ".hidden/.x"),
        ("données/é.txt", "données/é.txt"),
        ("with space/and:colon", "with space/and:colon"),
    ],
)
def test_valid_paths_are_normalized(raw, normal):
    assert normalize_path(raw) == normal
    assert is_normalized(normal)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        (".", "empty"),
        ("./", "empty"),
        ("//", "absolute"),
        ("/etc/passwd", "absolute"),
        ("../x", "'..'"),
        ("a/../../x", "'..'"),
        ("a/..", "'..'"),
        ("a\x00b", "NUL"),
        ("a\nb", "control"),
        ("a\tb", "control"),
        ("a\x7fb", "control"),
        ("a\x85b", "control"),
        ("a\\b", "backslash"),
        ("..\\x", "backslash"),
        ("a/\udcffb", "UTF-8"),
        ("x" * (MAX_COMPONENT_BYTES + 1), "component"),
        ("é" * 128, "component"),
        ("/".join(["d" * 200] * 21), "longer than"),
    ],
)
def test_invalid_paths_are_rejected_with_their_reason(raw, reason):
    with pytest.raises(InvalidPath) as caught:
        normalize_path(raw)
    assert reason in caught.value.reason
    assert caught.value.path == raw
    assert isinstance(caught.value, ValueError)
    assert not is_normalized(raw)


def test_limits_are_inclusive():
    assert normalize_path("x" * MAX_COMPONENT_BYTES)
    long_path = "/".join(["d" * 99] * (MAX_PATH_BYTES // 100)) + "/" + "f" * 96
    assert len(long_path.encode()) == MAX_PATH_BYTES
    assert normalize_path(long_path) == long_path


def test_non_string_is_rejected():
    with pytest.raises(InvalidPath):
        normalize_path(b"a")  # type: ignore[arg-type]


@given(st.text(max_size=60))
def test_normal_form_is_stable_and_never_escapes(raw):
    try:
        normal = normalize_path(raw)
    except InvalidPath:
        return
    assert normalize_path(normal) == normal
    parts = normal.split("/")
    assert ".." not in parts and "." not in parts and "" not in parts
    assert not normal.startswith("/")


def _outcome(normalize, raw):
    try:
        return normalize(raw)
    except InvalidPath as exc:
        return ("refused", exc.reason)


# Characters around the fast path's edges: ones it accepts, dots and slashes it must look at,
# and ones it leaves to the rule-by-rule check.
_EDGE_TEXT = st.text(alphabet="ab. /_-~\\\x00\x1fé", max_size=40)


@given(st.one_of(_EDGE_TEXT, st.text(max_size=40)))
def test_the_fast_path_agrees_with_every_rule(raw):
    assert _outcome(normalize_path, raw) == _outcome(_normalize_checked, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "x" * MAX_COMPONENT_BYTES,
        "x" * (MAX_COMPONENT_BYTES + 1),
        "/".join(["y" * 200] * 20),
        "/".join(["y" * 200] * 21),
        "a/./b",
        "a/../b",
        "..",
        ".",
        "...",
        ".hidden/..x",
        "a/",
        "/a",
    ],
)
def test_the_fast_path_agrees_at_the_limits(raw):
    assert _outcome(normalize_path, raw) == _outcome(_normalize_checked, raw)


def test_parent_directories_and_file_directory_clash():
    assert parent_directories("a/b/c") == ["a", "a/b"]
    assert parent_directories("a") == []
    assert find_file_directory_clash(["a/b", "a/c", "ab"]) is None
    assert find_file_directory_clash(["a/b", "a/b/c.txt"]) == ("a/b", "a/b/c.txt")


def test_symlinks_inside_the_tree_resolve_and_escaping_ones_are_refused(tmp_path):
    root = tmp_path / "data"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "real.txt").write_text("x")
    (tmp_path / "secret").write_text("s")
    os.symlink("sub/real.txt", root / "inside")
    os.symlink("../secret", root / "escape")
    os.symlink("missing", root / "dangling")
    os.symlink("loop2", root / "loop1")
    os.symlink("loop1", root / "loop2")
    assert resolve_inside(root, root / "inside") == (root / "sub" / "real.txt").resolve()
    with pytest.raises(InvalidPath, match="outside"):
        resolve_inside(root, root / "escape")
    with pytest.raises(InvalidPath, match="does not exist"):
        resolve_inside(root, root / "dangling")
    with pytest.raises(InvalidPath, match="cycle"):
        resolve_inside(root, root / "loop1")
