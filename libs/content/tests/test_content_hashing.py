import blake3
import pytest

from kamld_content.hashing import (
    Hasher,
    digest_bytes,
    digest_file,
    digest_from_key,
    is_digest,
    object_key,
    parse_digest,
)

ABC = "blake3:6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"


def test_digest_of_known_input_matches_the_blake3_reference():
    assert digest_bytes(b"abc") == ABC


@pytest.mark.parametrize("threaded", [True, False])
def test_large_buffers_hash_the_same_with_or_without_threads(random_bytes, threaded):
    data = random_bytes(3 << 20, 1)
    assert digest_bytes(data, threaded=threaded) == "blake3:" + blake3.blake3(data).hexdigest()


@pytest.mark.parametrize("threaded", [True, False])
def test_incremental_hasher_equals_one_shot_digest(random_bytes, threaded):
    data = random_bytes(3_000_000, 2)
    hasher = Hasher(threaded=threaded)
    for start in range(0, len(data), 1_077_777):
        hasher.update(data[start : start + 1_077_777])
    assert hasher.digest() == digest_bytes(data)
    assert hasher.size == len(data)


def test_file_digest_equals_bytes_digest(tmp_path, random_bytes):
    data = random_bytes(9 << 20, 3)
    (tmp_path / "f").write_bytes(data)
    assert digest_file(tmp_path / "f") == digest_bytes(data)


def test_object_key_splits_the_hex_after_two_characters():
    hex_part = ABC.split(":")[1]
    assert object_key(ABC) == f"blake3/{hex_part[:2]}/{hex_part[2:]}"
    assert digest_from_key(object_key(ABC)) == ABC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", "prefix"),
        ("sha256:" + "0" * 64, "not supported"),
        ("blake3:" + "0" * 63, "64 hex"),
        ("blake3:" + "0" * 65, "64 hex"),
        ("blake3:" + "A" * 64, "lowercase"),
        ("blake3:" + "g" * 64, "lowercase"),
        ("blake3:" + "0" * 62 + "/x", "lowercase"),
        ("blake3:" + "0" * 64 + "\n", "64 hex"),
        ("blake3:" + "0" * 63 + "\n", "lowercase"),
        ("", "prefix"),
    ],
)
def test_parse_digest_rejects_malformed_values_with_a_reason(value, message):
    with pytest.raises(ValueError, match=message):
        parse_digest(value)
    assert not is_digest(value)
    with pytest.raises(ValueError):
        object_key(value)


def test_parse_digest_rejects_non_strings():
    with pytest.raises(ValueError, match="string"):
        parse_digest(b"blake3:" + b"0" * 64)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "key", ["manifests/x", "blake3/ab", "blake3/abc/" + "0" * 61, "sha256/00/" + "0" * 62]
)
def test_digest_from_key_rejects_other_keys(key):
    with pytest.raises(ValueError):
        digest_from_key(key)


def test_a_copied_hasher_goes_on_apart_from_the_original():
    hasher = Hasher(threaded=False)
    hasher.update(b"ab")
    twin = hasher.copy()
    twin.update(b"c")
    hasher.update(b"x")
    assert (twin.digest(), twin.size) == (digest_bytes(b"abc"), 3)
    assert (hasher.digest(), hasher.size) == (digest_bytes(b"abx"), 3)
