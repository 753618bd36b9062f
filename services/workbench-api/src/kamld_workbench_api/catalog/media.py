"""Headers that let browsers and tools handle a downloaded file: its media type and its name.

The type comes from the file name's extension (Python's table plus the data formats it lacks or
gets wrong), never from the bytes. Types a browser would run as a page (HTML, SVG, XML, scripts)
are still named but sent as attachments, so a version's file never executes in the API's origin;
``X-Content-Type-Options: nosniff`` keeps browsers from guessing otherwise.
"""

from __future__ import annotations

import mimetypes
import posixpath
from urllib.parse import quote

DEFAULT_TYPE = "application/octet-stream"

# Data and model formats, and a few whose entry in the platform's table varies or is missing.
EXPLICIT_TYPES = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".ndjson": "application/x-ndjson",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".parquet": "application/vnd.apache.parquet",
    ".arrow": "application/vnd.apache.arrow.file",
    ".feather": "application/vnd.apache.arrow.file",
    ".avro": "application/avro",
    ".orc": "application/octet-stream",
    ".npy": "application/octet-stream",
    ".npz": "application/zip",
    ".h5": "application/x-hdf5",
    ".hdf5": "application/x-hdf5",
    ".onnx": "application/octet-stream",
    ".pt": "application/octet-stream",
    ".pth": "application/octet-stream",
    ".ckpt": "application/octet-stream",
    ".safetensors": "application/octet-stream",
    ".pkl": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".svg": "image/svg+xml",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".flac": "audio/flac",
    ".mp4": "video/mp4",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".gz": "application/gzip",
    ".tar": "application/x-tar",
    ".zst": "application/zstd",
    ".py": "text/x-python",
}

# Shown by a browser as a page or run as code: always downloaded, never displayed.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
    }
)

_TYPES = mimetypes.MimeTypes()


def media_type(path: str) -> str:
    """The media type of a file, by the extension of its name; ``application/octet-stream`` if unknown."""
    name = posixpath.basename(path).lower()
    extension = posixpath.splitext(name)[1]
    if extension in EXPLICIT_TYPES:
        return EXPLICIT_TYPES[extension]
    guessed, encoding = _TYPES.guess_type(name, strict=False)
    if encoding is not None or guessed is None:
        return DEFAULT_TYPE
    return guessed


def content_disposition(path: str, media: str) -> str:
    """``inline`` (``attachment`` for active types) with the file name, per RFC 6266.

    ``filename`` carries an ASCII stand-in for old clients; ``filename*`` the exact UTF-8 name.
    """
    name = posixpath.basename(path) or "download"
    kind = "attachment" if media in ACTIVE_TYPES else "inline"
    fallback = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\%' else "_" for c in name)
    header = f'{kind}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def file_headers(path: str) -> dict[str, str]:
    """The headers a file download adds to what storage answers."""
    media = media_type(path)
    return {
        "Content-Type": media,
        "Content-Disposition": content_disposition(path, media),
        "X-Content-Type-Options": "nosniff",
    }
