"""Arrow datasets over resolved files, read through :class:`~.contentfs.ContentFileSystem`."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.dataset as pds
from pyarrow.fs import FSSpecHandler, PyFileSystem

from kamld_common.errors import Invalid
from kamld_storage_gateway.query.contentfs import ContentFileSystem, ReadRange
from kamld_storage_gateway.query.references import ResolvedTable

MAX_JSON_BYTES = 256 << 20


def file_format(name: str) -> pds.FileFormat:
    if name == "csv":
        return pds.CsvFileFormat()
    if name == "tsv":
        return pds.CsvFileFormat(parse_options=pcsv.ParseOptions(delimiter="\t"))
    if name == "json":
        return pds.JsonFileFormat()
    return pds.ParquetFileFormat()


def open_dataset(index: int, table: ResolvedTable, read_range: ReadRange) -> pds.Dataset | pa.Table:
    """The table's files as one dataset; names are ``t<index>/<path>`` so two versions never clash.

    JSON Lines is read here, in the caller's thread, up to :data:`MAX_JSON_BYTES`: Arrow's JSON
    scan reads its first block while the engine holds the interpreter lock, and a read through a
    Python filesystem needs that lock.
    """
    files = {f"t{index}/{entry.path}": entry for entry in table.files}
    filesystem = PyFileSystem(FSSpecHandler(ContentFileSystem(files, read_range)))
    dataset = pds.dataset(sorted(files), filesystem=filesystem, format=file_format(table.format))
    if table.format != "json":
        return dataset
    size = sum(entry.size for entry in table.files)
    if size > MAX_JSON_BYTES:
        raise Invalid(
            f"reference {table.reference.text!r}: JSON Lines tables may hold at most {MAX_JSON_BYTES} bytes "
            f"({size} here); use CSV or Parquet for larger ones",
            field=["body", "sql"],
            code="table_too_large",
        )
    return dataset.to_table()
