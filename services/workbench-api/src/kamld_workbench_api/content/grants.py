"""Issuing transfer grants, so chunk bytes go straight between client and storage-gateway.

The gateway decides who may write an upload or read chunks (the routes check roles); a grant
carries that decision to storage-gateway, which knows no users. Without a public URL for
storage-gateway or a transfer key there is no direct path, and clients use the gateway's routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import SecretStr

from kamld_common.errors import NotFound
from kamld_common.grants import GRANT_HEADER, Access, sign_grant
from kamld_workbench_api.config import Settings


@dataclass(frozen=True)
class TransferGrant:
    """Where to send chunk bytes, and the header that admits them there."""

    url: str
    header: str
    token: str
    expires_at: datetime


class GrantIssuer:
    def __init__(self, key: SecretStr | None, public_url: str | None, ttl_s: int) -> None:
        self.key = key
        self.public_url = public_url.rstrip("/") if public_url else None
        self.ttl_s = ttl_s

    @classmethod
    def from_settings(cls, settings: Settings) -> GrantIssuer:
        return cls(settings.transfer_key, settings.storage_public_url, settings.transfer_grant_ttl_s)

    def for_upload(self, upload_id: str) -> TransferGrant:
        """Sending chunks to (and asking what is missing from) this one upload session."""
        return self._issue(Access.write, upload_id)

    def for_reading(self) -> TransferGrant:
        """Reading chunks by digest (knowing a digest is what reading a chunk takes)."""
        return self._issue(Access.read, None)

    def _issue(self, access: Access, upload_id: str | None) -> TransferGrant:
        if self.key is None or self.public_url is None:
            missing = "transfer_key" if self.key is None else "storage_public_url"
            raise NotFound(
                f"direct transfers are not configured on this gateway ({missing} is unset); "
                "send chunks through /api/v1",
                code="direct_transfer_unavailable",
            )
        token, expires_at = sign_grant(self.key, access=access, upload_id=upload_id, ttl_s=self.ttl_s)
        return TransferGrant(url=self.public_url, header=GRANT_HEADER, token=token, expires_at=expires_at)
