"""Files of a version read through storage-gateway with ranged GETs, as an fsspec filesystem
DuckDB can be given (``register_filesystem``): DuckDB asks for the byte ranges it needs, and
nothing is copied to local disk.

Paths are ``kamld://<manifest digest hex>/<path in the version>``. DuckDB calls this filesystem
from its own threads, so it uses a synchronous httpx client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

from kamld_common.http import INTERNAL_TOKEN_HEADER

PROTOCOL = "kamld"
BLOCK = 4 << 20


def remote_path(manifest_digest: str, path: str) -> str:
    return f"{PROTOCOL}://{manifest_digest.removeprefix('blake3:')}/{path}"


class StorageGatewayFileSystem(AbstractFileSystem):
    protocol = PROTOCOL
    cachable = False

    def __init__(
        self, base_url: str, internal_token: str | None, timeout_s: float = 30.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        headers = {INTERNAL_TOKEN_HEADER: internal_token} if internal_token else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout_s)
        self.bytes_read = 0

    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        return str(path).removeprefix(f"{PROTOCOL}://").lstrip("/")

    def _url(self, path: str) -> str:
        manifest, _, file = self._strip_protocol(path).partition("/")
        return f"/manifests/{quote('blake3:' + manifest, safe='')}/files/{quote(file, safe='/')}"

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.head(self._url(path))
        if response.status_code == 404:
            raise FileNotFoundError(path)
        response.raise_for_status()
        return {
            "name": self._strip_protocol(path),
            "size": int(response.headers["content-length"]),
            "type": "file",
        }

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        found = self.info(path)
        return [found] if detail else [found["name"]]

    def glob(self, path: str, maxdepth: int | None = None, **kwargs: Any) -> Any:
        return [self._strip_protocol(path)]

    def read_range(self, path: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        response = self.http.get(self._url(path), headers={"Range": f"bytes={start}-{end - 1}"})
        if response.status_code == 416:
            return b""
        response.raise_for_status()
        self.bytes_read += len(response.content)
        return response.content

    def _open(self, path: str, mode: str = "rb", block_size: int | None = None, **kwargs: Any) -> Any:
        if mode != "rb":
            raise PermissionError("versions are read-only")
        return RangedFile(self, path, mode=mode, block_size=block_size or BLOCK, **kwargs)

    def close(self) -> None:
        self.http.close()


class RangedFile(AbstractBufferedFile):
    def _fetch_range(self, start: int, end: int) -> bytes:
        data: bytes = self.fs.read_range(self.path, start, end)
        return data
