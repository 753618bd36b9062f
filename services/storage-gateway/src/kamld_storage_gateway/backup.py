"""Back a platform up into a directory, and restore one from it (``python -m kamld_storage_gateway.backup``).

A platform's state is the databases of its five services plus the object store (chunks and
manifests). This tool runs with the services' own environment (``KAMLD_HOME`` and the
``KAMLD_<SERVICE>_DATABASE_URL`` and ``KAMLD_STORAGE_GATEWAY_*`` object store settings), so it
reaches each database and the store directly, the way the services do.

Backup, on a running platform:

1. take a hold on garbage collection (a row in storage-gateway's database that GC respects), so
   nothing is deleted until the objects are copied;
2. dump every database (SQLite: the online backup API; PostgreSQL: ``pg_dump``);
3. copy every object of the store. Objects are immutable and content-addressed, so the objects
   copied after the dumps are a superset of what the dumped databases reference;
4. write ``backup.json``: the databases' files and the object index, each with its SHA-256;
5. let the hold go.

Restore, into a stopped platform whose databases and object store are empty (``--force``
overwrites): every file of the backup is checked against ``backup.json`` first, so a damaged
backup is refused before anything is written; then the databases are restored, then the objects.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_settings import SettingsConfigDict
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kamld_common.db import Database
from kamld_common.settings import ServiceSettings
from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.gc.holds import release_hold, take_hold
from kamld_storage_gateway.objectstore import ObjectStore, create_object_store

FORMAT = "kamld-backup/1"
MANIFEST = "backup.json"
OBJECT_INDEX = "objects.jsonl"
OBJECTS_DIR = "objects"
DATABASES_DIR = "databases"
SERVICES = ("workbench-api", "metadata-hub", "storage-gateway", "trainer", "observation-hub")
READ_BATCH_BYTES = 16 << 20
WRITE_BATCH_OBJECTS = 256
WRITE_BATCH_BYTES = 32 << 20
HASH_BLOCK = 1 << 20

Progress = Callable[[str, int, int | None], None]
"""``(stage, done, total)``: called as a backup or restore advances (total None when unknown)."""


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """One service's database: its SQLAlchemy URL."""

    service: str
    url: str

    @property
    def engine(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    @property
    def sqlite_path(self) -> Path:
        database = make_url(self.url).database
        if not database or database == ":memory:":
            raise BackupError(f"{self.service}: an in-memory SQLite database cannot be backed up or restored")
        return Path(database)

    @property
    def libpq_url(self) -> str:
        """The URL as ``pg_dump``/``pg_restore`` take it (no SQLAlchemy driver name)."""
        url = make_url(self.url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)


def service_settings(service: str) -> ServiceSettings:
    """What ``service`` would read from this environment (its database URL, data directory…)."""
    prefix = "KAMLD_" + service.upper().replace("-", "_") + "_"
    if service == "storage-gateway":
        return Settings()
    model = type(
        "BackupSettings",
        (ServiceSettings,),
        {
            "__annotations__": {"service_name": str},
            "service_name": service,
            "model_config": SettingsConfigDict(env_prefix=prefix, extra="ignore"),
        },
    )
    settings: ServiceSettings = model()
    return settings


def targets() -> list[Target]:
    return [Target(service, service_settings(service).database_url) for service in SERVICES]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _tell(progress: Progress | None, stage: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(stage, done, total)


# -- databases -------------------------------------------------------------------------------------


def _run(command: Sequence[str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{what} needs {command[0]} (PostgreSQL's client tools) on PATH")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what}: {command[0]} failed: {result.stderr.strip()[-2000:]}")


def dump_database(target: Target, directory: Path) -> Path:
    """A consistent copy of ``target``'s database in ``directory``; the file's path."""
    if target.engine == "sqlite":
        source_path = target.sqlite_path
        if not source_path.exists():
            raise BackupError(f"{target.service}: database {source_path} does not exist")
        out = directory / f"{target.service}.sqlite3"
        source = sqlite3.connect(source_path, timeout=30)
        try:
            copy = sqlite3.connect(out)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        return out
    out = directory / f"{target.service}.pgdump"
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", target.libpq_url],
        f"{target.service}: dumping the database",
    )
    return out


async def database_is_empty(target: Target) -> bool:
    """True when ``target`` holds no tables (a database no service has started on yet)."""
    if target.engine == "sqlite":
        path = target.sqlite_path
        if not path.exists() or path.stat().st_size == 0:
            return True
        connection = sqlite3.connect(path, timeout=30)
        try:
            count = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[
                0
            ]
        finally:
            connection.close()
        return int(count) == 0
    database = Database(target.url)
    try:
        async with database.unit_of_work() as session:
            count = await session.scalar(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            )
    finally:
        await database.dispose()
    return int(count or 0) == 0


def restore_database(target: Target, dump: Path, engine: str, *, force: bool) -> None:
    if engine != target.engine:
        raise BackupError(
            f"{target.service}: the backup holds a {engine} database but the target is {target.engine}; "
            "restore into the same kind of database"
        )
    if engine == "sqlite":
        path = target.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        temporary = path.with_name(f".{path.name}.restoring")
        shutil.copyfile(dump, temporary)
        os.replace(temporary, path)
        return
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={target.libpq_url}", str(dump)], f"{target.service}: restoring the database")


# -- objects ---------------------------------------------------------------------------------------


def _object_file(root: Path, key: str) -> Path:
    path = root / OBJECTS_DIR / key
    if root / OBJECTS_DIR not in path.parents or ".." in Path(key).parts:
        raise BackupError(f"object key {key!r} does not name a file inside the backup")
    return path


async def copy_objects(store: ObjectStore, root: Path, progress: Progress | None) -> tuple[int, int]:
    """Every object of ``store`` into ``root/objects/<key>`` and the index; (objects, bytes)."""
    count = size = 0
    keys: list[str] = []
    with (root / OBJECT_INDEX).open("w", encoding="utf-8") as index:

        async def flush() -> None:
            nonlocal count, size, keys
            while keys:
                found = await store.get_many(keys, READ_BATCH_BYTES)
                for key, data in zip(keys, found, strict=False):
                    path = _object_file(root, key)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    index.write(
                        json.dumps(
                            {"key": key, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                        )
                        + "\n"
                    )
                    count += 1
                    size += len(data)
                keys = keys[len(found) :]
                _tell(progress, "objects", count, None)

        async for info in store.list(""):
            keys.append(info.key)
            if len(keys) >= 1000:
                await flush()
        await flush()
    _tell(progress, "objects", count, count)
    return count, size


def _index_entries(root: Path) -> Iterator[dict[str, Any]]:
    with (root / OBJECT_INDEX).open(encoding="utf-8") as index:
        for number, line in enumerate(index, 1):
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict) or not {"key", "size", "sha256"} <= entry.keys():
                    raise ValueError("missing fields")
            except ValueError as exc:
                raise BackupError(f"{OBJECT_INDEX} line {number} is not an object entry ({exc})") from None
            yield entry


async def store_is_empty(store: ObjectStore) -> bool:
    async for _ in store.list(""):
        return False
    return True


async def restore_objects(store: ObjectStore, root: Path, total: int, progress: Progress | None) -> None:
    batch: list[tuple[str, bytes]] = []
    batch_bytes = done = 0
    for entry in _index_entries(root):
        data = _object_file(root, entry["key"]).read_bytes()
        batch.append((entry["key"], data))
        batch_bytes += len(data)
        if len(batch) >= WRITE_BATCH_OBJECTS or batch_bytes >= WRITE_BATCH_BYTES:
            await store.put_many_if_absent(batch)
            done += len(batch)
            batch, batch_bytes = [], 0
            _tell(progress, "objects", done, total)
    if batch:
        await store.put_many_if_absent(batch)
        done += len(batch)
    _tell(progress, "objects", done, total)


# -- the whole procedure ---------------------------------------------------------------------------


def _prepare_directory(root: Path) -> None:
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty; back up into a new or empty directory")
    (root / DATABASES_DIR).mkdir(parents=True, exist_ok=True)
    (root / OBJECTS_DIR).mkdir(exist_ok=True)


async def backup(
    root: Path,
    *,
    hold_ttl_s: float = 6 * 3600,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Back the platform of this environment up into ``root`` (new or empty); the manifest written."""
    settings = settings or Settings()
    _prepare_directory(root)
    storage = Database(settings.database_url)
    store = create_object_store(settings, metered=False)
    started = datetime.now(UTC)
    try:
        hold = await take_hold(
            storage, f"backup into {root.name} started {started:%Y-%m-%d %H:%M} UTC", hold_ttl_s
        )
        try:
            databases: dict[str, Any] = {}
            for number, target in enumerate(targets(), 1):
                _tell(progress, "databases", number - 1, len(SERVICES))
                dump = await asyncio.to_thread(dump_database, target, root / DATABASES_DIR)
                databases[target.service] = {
                    "engine": target.engine,
                    "file": str(dump.relative_to(root)),
                    "size": dump.stat().st_size,
                    "sha256": _sha256_file(dump),
                }
            _tell(progress, "databases", len(SERVICES), len(SERVICES))
            count, size = await copy_objects(store, root, progress)
        finally:
            await release_hold(storage, hold)
    finally:
        await storage.dispose()
        close = getattr(store, "close", None)
        if callable(close):
            close()
    manifest = {
        "format": FORMAT,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "object_store": settings.object_store,
        "databases": databases,
        "objects": {
            "count": count,
            "bytes": size,
            "index": OBJECT_INDEX,
            "index_sha256": _sha256_file(root / OBJECT_INDEX),
        },
    }
    # Everything the manifest names is on disk before the manifest, which marks a finished backup.
    await asyncio.to_thread(os.sync)
    temporary = root / f".{MANIFEST}.tmp"
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / MANIFEST)
    directory = os.open(root, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return manifest


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        raise BackupError(f"{root} holds no {MANIFEST}: not a backup, or one that did not finish")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} manifest")
    missing = [service for service in SERVICES if service not in manifest.get("databases", {})]
    if missing:
        raise BackupError(f"{path} lacks the database of {', '.join(missing)}")
    return manifest


def check_backup(root: Path, progress: Progress | None = None) -> dict[str, Any]:
    """The manifest, once every file it names has its recorded size and SHA-256; else BackupError."""
    manifest = read_manifest(root)
    for service, entry in manifest["databases"].items():
        path = root / entry["file"]
        if not path.is_file():
            raise BackupError(f"the database of {service} ({entry['file']}) is missing from the backup")
        if path.stat().st_size != entry["size"] or _sha256_file(path) != entry["sha256"]:
            raise BackupError(f"the database of {service} ({entry['file']}) does not match its checksum")
    objects = manifest["objects"]
    index = root / objects["index"]
    if not index.is_file() or _sha256_file(index) != objects["index_sha256"]:
        raise BackupError(f"the object index {objects['index']} is missing or does not match its checksum")
    checked = 0
    for entry in _index_entries(root):
        path = _object_file(root, entry["key"])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BackupError(f"object {entry['key']} is missing from the backup") from None
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(f"object {entry['key']} does not match its checksum")
        checked += 1
        if checked % 1000 == 0:
            _tell(progress, "checked", checked, objects["count"])
    if checked != objects["count"]:
        raise BackupError(f"the object index lists {checked} objects, the manifest {objects['count']}")
    _tell(progress, "checked", checked, objects["count"])
    return manifest


async def restore(
    root: Path, *, force: bool = False, progress: Progress | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Restore the backup in ``root`` into the (stopped) platform of this environment."""
    settings = settings or Settings()
    manifest = await asyncio.to_thread(check_backup, root, progress)
    store = create_object_store(settings, metered=False)
    try:
        chosen = targets()
        if not force:
            occupied = [target.service for target in chosen if not await database_is_empty(target)]
            if occupied:
                raise BackupError(
                    f"the database of {', '.join(occupied)} is not empty; restore into a new platform, "
                    "or pass --force to overwrite"
                )
            if not await store_is_empty(store):
                raise BackupError("the object store is not empty; restore into a new one, or pass --force")
        for target in chosen:
            entry = manifest["databases"][target.service]
            if entry["engine"] != target.engine:
                raise BackupError(
                    f"{target.service}: the backup holds a {entry['engine']} database but the target is "
                    f"{target.engine}; restore into the same kind of database"
                )
        for number, target in enumerate(chosen):
            _tell(progress, "databases", number, len(chosen))
            entry = manifest["databases"][target.service]
            await asyncio.to_thread(
                restore_database, target, root / entry["file"], entry["engine"], force=force
            )
        _tell(progress, "databases", len(chosen), len(chosen))
        await restore_objects(store, root, manifest["objects"]["count"], progress)
    finally:
        close = getattr(store, "close", None)
        if callable(close):
            close()
    return manifest


# -- command line ----------------------------------------------------------------------------------


class _Reporter:
    """Progress on standard error: one line per stage and a line at most every second meanwhile."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self._last.get(stage, 0.0) < 1.0:
            return
        self._last[stage] = now
        of = f"/{total}" if total is not None else ""
        sys.stderr.write(f"{stage}: {done}{of}\n")
        sys.stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kamld_storage_gateway.backup",
        description="Back up or restore a KAML-D platform (databases and object store), "
        "with the services' own environment.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("backup", help="back the running platform up into a new or empty DIR")
    made.add_argument("directory", type=Path, metavar="DIR")
    made.add_argument(
        "--hold-ttl", type=float, default=6 * 3600, help="seconds the hold on GC lasts at most (default 6 h)"
    )
    restored = commands.add_parser("restore", help="restore DIR into a stopped platform with empty storage")
    restored.add_argument("directory", type=Path, metavar="DIR")
    restored.add_argument(
        "--force", action="store_true", help="overwrite databases and objects already there"
    )
    checked = commands.add_parser("check", help="check every file of the backup in DIR against its manifest")
    checked.add_argument("directory", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    reporter = _Reporter()
    try:
        if args.command == "backup":
            manifest = asyncio.run(backup(args.directory, hold_ttl_s=args.hold_ttl, progress=reporter))
            verb = "backed up"
        elif args.command == "restore":
            manifest = asyncio.run(restore(args.directory, force=args.force, progress=reporter))
            verb = "restored"
        else:
            manifest = check_backup(args.directory, reporter)
            verb = "checked"
    except BackupError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    objects = manifest["objects"]
    print(
        f"{verb} {len(manifest['databases'])} databases and {objects['count']} objects "
        f"({objects['bytes']} bytes): {args.directory}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
