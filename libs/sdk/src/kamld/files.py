"""``kamld.open``: one file of a version as a read-only, seekable binary stream.

Bytes are fetched with ranged GETs as they are read (through a :class:`io.BufferedReader`), so
reading the head of a large file downloads only the head.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from kamld.errors import IntegrityError, NotFound
from kamld.models import FileInfo, Page, decode

if TYPE_CHECKING:
    from typing_extensions import Buffer

    from kamld.client import Client

DEFAULT_BUFFER = 4 << 20


class RemoteFile(io.RawIOBase):
    """Raw reads of one file over HTTP ``Range`` requests."""

    def __init__(self, client: Client, url_path: str, info: FileInfo, *, owns_client: bool = False) -> None:
        super().__init__()
        self._client = client
        self._owns_client = owns_client
        self._url = url_path
        self.info = info
        self.name = info.path
        self._position = 0

    @property
    def size(self) -> int:
        return self.info.size

    def close(self) -> None:
        if not self.closed and self._owns_client:
            self._client.close()
        super().close()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: Buffer) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        view = memoryview(buffer).cast("B")
        if self._position >= self.size or len(view) == 0:
            return 0
        end = min(self._position + len(view), self.size) - 1
        answer = self._client.request("GET", self._url, headers={"Range": f"bytes={self._position}-{end}"})
        data = answer.content
        expected = end - self._position + 1
        if answer.status_code == 200:
            data = data[self._position : end + 1]
        if len(data) != expected:
            raise IntegrityError(
                f"{self.name}: asked for {expected} bytes at {self._position}, got {len(data)}",
                code="short_read",
            )
        view[: len(data)] = data
        self._position += len(data)
        return len(data)


def open_file(
    client: Client,
    reference: str,
    *,
    owns_client: bool = False,
    buffer_size: int = DEFAULT_BUFFER,
) -> io.BufferedReader:
    """A buffered binary stream of ``NAME[:REF]/PATH``."""
    from kamld.client import API, _file_path, _segment
    from kamld.references import parse_reference

    ref = parse_reference(reference, allow_path=True)
    if not ref.path:
        raise NotFound(f"{reference!r} names no file: use NAME[:REF]/PATH", code="invalid_ref")
    version_path = f"{API}/artifacts/{_segment(ref.artifact)}/versions/{_segment(ref.ref)}"
    url = f"{version_path}/files/{_file_path(ref.path)}"
    listing = client.call("GET", version_path + "/files", params={"prefix": ref.path, "limit": 1})
    match = [info for info in decode(Page[FileInfo], listing).items if info.path == ref.path]
    if not match:
        raise NotFound(f"{ref.artifact}:{ref.ref} has no file {ref.path!r}", code="file_not_found")
    return io.BufferedReader(
        RemoteFile(client, url, match[0], owns_client=owns_client), buffer_size=buffer_size
    )
