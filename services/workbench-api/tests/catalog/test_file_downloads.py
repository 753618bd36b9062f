"""File downloads over real HTTP: HEAD, the media type by extension, and the file's name."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from kamld_workbench_api.catalog.media import content_disposition, media_type

FILES = {
    "data.csv": b"id,label\n1,cat\n",
    "rows.jsonl": b'{"a": 1}\n',
    "table.parquet": b"PAR1 not really",
    "img/cat.png": b"\x89PNG one",
    "model.onnx": b"\x08\x07onnx",
    "notes.unknownext": b"?",
    "page.html": b"<script>alert(1)</script>",
    "r\u00e9sum\u00e9 \u6570\u636e.txt": b"accents",
}


@pytest.fixture(scope="module")
def stored(gateway, tokens, push) -> dict[str, Any]:
    name = f"files-{secrets.token_hex(3)}"
    with gateway.client(tokens["editor"]) as editor:
        push(editor, name, FILES, kind="dataset")
    return {"name": name}


def _url(name: str, path: str) -> str:
    return f"/api/v1/artifacts/{name}/versions/v1/files/{path}"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("data.csv", "text/csv"),
        ("rows.jsonl", "application/jsonl"),
        ("table.parquet", "application/vnd.apache.parquet"),
        ("img/cat.png", "image/png"),
        ("model.onnx", "application/octet-stream"),
        ("notes.unknownext", "application/octet-stream"),
    ],
)
def test_content_type_follows_the_extension(gateway, tokens, stored, path, expected) -> None:
    with gateway.client(tokens["viewer"]) as viewer:
        answer = viewer.get(_url(stored["name"], path))
    assert answer.status_code == 200
    assert answer.content == FILES[path]
    assert answer.headers["content-type"] == expected
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-disposition"] == f'inline; filename="{path.rsplit("/", 1)[-1]}"'


def test_head_answers_the_headers_of_a_download_without_the_body(gateway, tokens, stored) -> None:
    with gateway.client(tokens["viewer"]) as viewer:
        url = _url(stored["name"], "img/cat.png")
        got, head = viewer.get(url), viewer.head(url)
        head_part = viewer.head(url, headers={"Range": "bytes=1-3"})
        cached = viewer.head(url, headers={"If-None-Match": got.headers["etag"]})
        missing = viewer.head(_url(stored["name"], "img/dog.png"))
    assert (head.status_code, head.content) == (200, b"")
    for header in ("content-type", "content-length", "content-disposition", "etag", "accept-ranges"):
        assert head.headers[header] == got.headers[header], header
    assert head.headers["content-length"] == str(len(FILES["img/cat.png"]))
    assert (
        head_part.status_code == 206
        and head_part.headers["content-range"] == f"bytes 1-3/{len(FILES['img/cat.png'])}"
    )
    assert head_part.headers["content-length"] == "3"
    assert cached.status_code == 304
    assert missing.status_code == 404 and missing.content == b""


def test_a_page_or_script_is_downloaded_never_displayed(gateway, tokens, stored) -> None:
    with gateway.client(tokens["viewer"]) as viewer:
        answer = viewer.get(_url(stored["name"], "page.html"))
    assert answer.headers["content-type"] == "text/html"
    assert answer.headers["content-disposition"] == 'attachment; filename="page.html"'


def test_a_non_ascii_name_travels_in_filename_star(gateway, tokens, stored) -> None:
    path = "r\u00e9sum\u00e9 \u6570\u636e.txt"
    with gateway.client(tokens["viewer"]) as viewer:
        answer = viewer.get(_url(stored["name"], path))
    assert answer.content == b"accents"
    assert answer.headers["content-disposition"] == (
        "inline; filename=\"r_sum_ __.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%95%B0%E6%8D%AE.txt"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a/B.PNG", "image/png"),
        ("x.csv.gz", "application/gzip"),
        ("weights.safetensors", "application/octet-stream"),
        ("photo.jpeg", "image/jpeg"),
        ("README", "application/octet-stream"),
        ("doc.pdf", "application/pdf"),
    ],
)
def test_media_type_table(path, expected) -> None:
    assert media_type(path) == expected


def test_disposition_escapes_quotes_and_backslashes() -> None:
    header = content_disposition('a"b\\c.txt', "text/plain")
    assert header == "inline; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%5Cc.txt"
