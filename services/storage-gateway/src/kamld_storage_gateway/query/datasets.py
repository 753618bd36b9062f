"""Arrow datasets over resolved files, read through :class:`~.contentfs.ContentFileSystem`."""

from __future__ import annotations

import pyarrow.csv as pcsv
import pyarrow.dataset as pds
from pyarrow.fs import FSSpecHandler, PyFileSystem

from kamld_storage_gateway.query.contentfs import ContentFileSystem, ReadRange
from kamld_storage_gateway.query.references import ResolvedTable


def file_format(name: str) -> pds.FileFormat:
    if name == "csv":
        return pds.CsvFileFormat()
    if name == "tsv":
        return pds.CsvFileFormat(parse_options=pcsv.ParseOptions(delimiter="\t"))
    if name == "json":
        return pds.JsonFileFormat()
    return pds.ParquetFileFormat()


def open_dataset(index: int, table: ResolvedTable, read_range: ReadRange) -> pds.Dataset:
    """The table's files as one dataset; names are ``t<index>/<path>`` so two versions never clash."""
    files = {f"t{index}/{entry.path}": entry for entry in table.files}
    filesystem = PyFileSystem(FSSpecHandler(ContentFileSystem(files, read_range)))
    return pds.dataset(sorted(files), filesystem=filesystem, format=file_format(table.format))
