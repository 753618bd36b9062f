"""Object storage behind one protocol, with a local-directory and an S3 backend.

Business code asks :func:`create_object_store` for a store and never names a backend.
"""

from __future__ import annotations

from collections.abc import Callable

from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.objectstore.base import (
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    validate_key,
)
from kamld_storage_gateway.objectstore.local import LocalObjectStore
from kamld_storage_gateway.objectstore.metered import MeteredObjectStore
from kamld_storage_gateway.objectstore.s3 import S3ObjectStore


def _local(settings: Settings) -> ObjectStore:
    return LocalObjectStore(settings.local_objects_dir, direct_io=settings.local_direct_io)


def _s3(settings: Settings) -> ObjectStore:
    endpoint, access_key, secret_key = settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key
    if not endpoint or not access_key or not secret_key:
        missing = [
            name for name in ("s3_endpoint", "s3_access_key", "s3_secret_key") if not getattr(settings, name)
        ]
        fields = ", ".join("KAMLD_STORAGE_GATEWAY_" + name.upper() for name in missing)
        raise ValueError(f"object_store 's3' needs {fields}")
    return S3ObjectStore(
        endpoint=endpoint,
        access_key=access_key,
        secret_key=secret_key.get_secret_value(),
        bucket=settings.s3_bucket,
        region=settings.s3_region,
        secure=settings.s3_secure,
        prefix=settings.s3_prefix,
        create_bucket=settings.s3_create_bucket,
    )


BACKENDS: dict[str, Callable[[Settings], ObjectStore]] = {"local": _local, "s3": _s3}


def create_object_store(settings: Settings, *, metered: bool = True) -> ObjectStore:
    """The store ``settings.object_store`` names, wrapped with metrics unless ``metered`` is False."""
    factory = BACKENDS.get(settings.object_store)
    if factory is None:
        valid = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown object_store {settings.object_store!r}; valid: {valid}")
    store = factory(settings)
    return MeteredObjectStore(store) if metered else store


__all__ = [
    "BACKENDS",
    "InvalidKey",
    "LocalObjectStore",
    "MeteredObjectStore",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "ObjectStoreUnavailable",
    "S3ObjectStore",
    "create_object_store",
    "validate_key",
]
