"""The services a request handler needs, built once in ``create_app`` and kept on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from kamld_storage_gateway.config import Settings
from kamld_storage_gateway.downloads.service import DownloadService
from kamld_storage_gateway.gc.service import GarbageCollector
from kamld_storage_gateway.manifests.service import ManifestService
from kamld_storage_gateway.uploads.service import UploadService


@dataclass
class Services:
    settings: Settings
    uploads: UploadService
    downloads: DownloadService
    manifests: ManifestService
    collector: GarbageCollector


def services(request: Request) -> Services:
    return request.app.state.services
