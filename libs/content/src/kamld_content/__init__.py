"""The content model KAML-D clients and servers share: digests, chunking, path rules, file entries."""

from kamld_content.chunking import (
    DEFAULT_PARAMS,
    ChunkingParams,
    ChunkRef,
    ContentChanged,
    FileChunks,
    FileScan,
    chunk_bytes,
    chunk_file,
    chunk_stream,
    iter_file_chunks,
    iter_stream_chunks,
    read_chunk,
    read_span,
)
from kamld_content.hashing import (
    Hasher,
    digest_bytes,
    digest_file,
    digest_from_key,
    is_digest,
    object_key,
    parse_digest,
)
from kamld_content.manifest import FileEntry, mode_from_stat
from kamld_content.paths import (
    InvalidPath,
    find_file_directory_clash,
    is_normalized,
    normalize_path,
    parent_directories,
    resolve_inside,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PARAMS",
    "ChunkRef",
    "ChunkingParams",
    "ContentChanged",
    "FileChunks",
    "FileScan",
    "FileEntry",
    "Hasher",
    "InvalidPath",
    "chunk_bytes",
    "chunk_file",
    "chunk_stream",
    "digest_bytes",
    "digest_file",
    "digest_from_key",
    "find_file_directory_clash",
    "is_digest",
    "is_normalized",
    "iter_file_chunks",
    "iter_stream_chunks",
    "mode_from_stat",
    "normalize_path",
    "object_key",
    "parent_directories",
    "parse_digest",
    "read_chunk",
    "read_span",
    "resolve_inside",
]
