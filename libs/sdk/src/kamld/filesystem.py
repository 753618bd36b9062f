"""``kamld://NAME:REF/PATH``: versions as a read-only fsspec filesystem.

Registered under the ``kamld`` protocol by an ``fsspec.specs`` entry point, so pandas, polars,
pyarrow datasets, Hugging Face ``datasets`` and ``fsspec.open`` read versions by URL::

    pd.read_csv("kamld://faces:v3/labels.csv")

Each reference is pinned to its exact version the first time this filesystem meets it (an alias
such as ``latest`` that moves later does not change what it reads). Files are read in ranges
(HTTP ``Range``) through the gateway; nothing is copied locally first.
"""

from __future__ import annotations

from typing import Any

from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

from kamld.client import API, Client, _file_path, _segment
from kamld.references import parse_reference

BLOCK_BYTES = 4 << 20


class _RangedFile(AbstractBufferedFile):  # type: ignore[misc]
    def _fetch_range(self, start: int, end: int) -> bytes:
        if start >= end:
            return b""
        fs: KamldFileSystem = self.fs
        response = fs.client.request(
            "GET", fs.url_of(self.path), headers={"Range": f"bytes={start}-{end - 1}"}
        )
        return response.content


class KamldFileSystem(AbstractFileSystem):  # type: ignore[misc]
    """Read-only: every version is immutable, so listings and file sizes are cached for good."""

    protocol = "kamld"
    root_marker = ""

    def __init__(
        self, client: Client | None = None, url: str | None = None, token: str | None = None, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.client = client or Client(url=url, token=token)
        self._pinned: dict[tuple[str, str], str] = {}
        self._files: dict[str, dict[str, int]] = {}

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        text = str(path)
        if text.startswith("kamld://"):
            text = text[len("kamld://") :]
        return text.rstrip("/")

    def _split(self, path: str) -> tuple[str, str]:
        """``(NAME:vN, PATH)``: the reference pinned to its exact version, and the path in it."""
        parsed = parse_reference(self._strip_protocol(path), allow_path=True)
        key = (parsed.artifact, parsed.ref)
        if key not in self._pinned:
            self._pinned[key] = self.client.show(f"{parsed.artifact}:{parsed.ref}").ref
        return self._pinned[key], (parsed.path or "").strip("/")

    def url_of(self, path: str) -> str:
        version, inner = self._split(path)
        name, _, ref = version.partition(":")
        return f"{API}/artifacts/{_segment(name)}/versions/{_segment(ref)}/files/{_file_path(inner)}"

    def _all(self, version: str) -> dict[str, int]:
        if version not in self._files:
            self._files[version] = {info.path: info.size for info in self.client.ls(version)}
        return self._files[version]

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        version, inner = self._split(path)
        files = self._all(version)
        if inner in files:
            entries = [self._entry(version, inner, files[inner])]
        else:
            prefix = inner + "/" if inner else ""
            children: dict[str, dict[str, Any]] = {}
            for file_path, size in files.items():
                if not file_path.startswith(prefix):
                    continue
                head, slash, _ = file_path[len(prefix) :].partition("/")
                child = prefix + head
                if slash:
                    children.setdefault(child, {"name": f"{version}/{child}", "size": 0, "type": "directory"})
                else:
                    children[child] = self._entry(version, child, size)
            if not children and inner:
                raise FileNotFoundError(path)
            entries = [children[key] for key in sorted(children)]
        return entries if detail else [entry["name"] for entry in entries]

    @staticmethod
    def _entry(version: str, inner: str, size: int) -> dict[str, Any]:
        return {"name": f"{version}/{inner}", "size": size, "type": "file"}

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        version, inner = self._split(path)
        files = self._all(version)
        if inner in files:
            return self._entry(version, inner, files[inner])
        prefix = inner + "/" if inner else ""
        if any(file_path.startswith(prefix) for file_path in files):
            return {"name": f"{version}/{inner}".rstrip("/"), "size": 0, "type": "directory"}
        raise FileNotFoundError(path)

    def _open(self, path: str, mode: str = "rb", block_size: int | None = None, **kwargs: Any) -> _RangedFile:
        if mode != "rb":
            raise PermissionError("kamld:// is read-only: push a directory to make a new version")
        size = self.info(path)["size"]
        return _RangedFile(
            self, self._strip_protocol(path), mode, block_size or BLOCK_BYTES, size=size, **kwargs
        )

    def cat_file(self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any) -> bytes:
        with self._open(path) as handle:
            if start:
                handle.seek(start if start >= 0 else max(0, handle.size + start))
            length = None if end is None else (end if end >= 0 else handle.size + end) - handle.tell()
            data: bytes = handle.read(length if length is None or length > 0 else 0)
            return data

    def _rm(self, path: str) -> None:
        raise PermissionError("kamld:// is read-only")
