"""Table profiles computed by DuckDB (through an fsspec filesystem, as storage-gateway's is used),
on real files: statistics, sampling over the size limit, and files that do not parse."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fsspec.implementations.local import LocalFileSystem
from PIL import Image

from kamld_metadata_hub.profiles.images import image_header, summarize_images
from kamld_metadata_hub.profiles.tabular import Limits, profile_table, table_format


class PrefixedLocal(LocalFileSystem):  # type: ignore[misc]
    """The local disk under the ``kamld://`` protocol the profiler hands DuckDB."""

    protocol = "kamld"

    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        return "/" + str(path).removeprefix("kamld://").lstrip("/")


def write_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "species", "weight"])
        for n in range(rows):
            writer.writerow([n, ["cat", "dog", "cat", "owl"][n % 4], "" if n % 10 == 0 else n * 1.5])
    return path


def profile(path: Path, limits: Limits | None = None) -> Any:
    size = path.stat().st_size
    return profile_table(PrefixedLocal(), f"kamld://{path}", path.name, size, limits or Limits())


def test_a_csv_gets_schema_and_statistics(tmp_path: Path) -> None:
    result = profile(write_csv(tmp_path / "animals.csv", 1000))
    assert (result.status, result.rows, result.format) == ("ok", 1000, "csv")
    columns = {c["name"]: c for c in result.columns}
    assert columns["id"]["type"] == "BIGINT" and columns["id"]["min"] == 0 and columns["id"]["max"] == 999
    assert columns["id"]["mean"] == pytest.approx(499.5)
    assert columns["weight"]["nulls"] == 100
    assert sum(bucket["count"] for bucket in columns["weight"]["histogram"]) == 900
    assert columns["species"]["top_values"][0] == "cat"
    assert set(columns["species"]["top_values"]) == {"cat", "dog", "owl"}
    assert 2 <= columns["species"]["distinct_approx"] <= 4  # an estimate (HyperLogLog)


def test_parquet_and_json_lines(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "animals.csv", 200)
    target = tmp_path / "animals.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)")
    (tmp_path / "events.jsonl").write_text("".join(f'{{"n": {n}, "tag": "t{n % 3}"}}\n' for n in range(30)))
    parquet = profile(tmp_path / "animals.parquet")
    assert (parquet.status, parquet.rows, parquet.format) == ("ok", 200, "parquet")
    lines = profile(tmp_path / "events.jsonl")
    assert (lines.status, lines.rows, [c["name"] for c in lines.columns]) == ("ok", 30, ["n", "tag"])


def test_a_file_over_the_limit_is_profiled_on_a_sample_and_says_so(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big.csv", 5000)
    result = profile(path, Limits(max_bytes=1000, sample_rows=300))
    assert (result.status, result.rows) == ("sampled", 300)
    assert "over the 1000-byte limit" in (result.reason or "")


def test_a_file_that_does_not_parse_is_unreadable_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"this is not parquet at all")
    (tmp_path / "broken.jsonl").write_text('{"a": 1}\n{"a": \n')
    for name in ("broken.parquet", "broken.jsonl"):
        result = profile(tmp_path / name)
        assert result.status == "unreadable"
        assert (result.reason or "").startswith(f"does not parse as {table_format(name)}")


def test_images_are_summarised_from_their_headers() -> None:
    def encoded(fmt: str, size: tuple[int, int]) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", size).save(buffer, format=fmt)
        return buffer.getvalue()

    files = [encoded("PNG", (64, 32)), encoded("PNG", (128, 32)), encoded("JPEG", (40, 40)), b"not an image"]
    reads: list[tuple[int, int]] = []

    def header(data: bytes) -> Any:
        def read(start: int, end: int) -> bytes:
            reads.append((start, end))
            return data[start:end]

        return image_header(read, len(data))

    summary = summarize_images([header(data) for data in files], total=4)
    assert summary["formats"] == {"png": 2, "jpeg": 1}
    assert summary["unreadable"] == 1
    assert (summary["width"]["min"], summary["width"]["max"]) == (40, 128)
    assert (summary["height"]["min"], summary["height"]["max"]) == (32, 40)
