"""The routes a transfer grant opens without the internal token, and the check that opens them.

Only chunk bytes travel on a grant: sending chunks to (and asking what is missing from) the one
upload session a write grant names, and reading chunks by digest on a read grant. Opening and
committing uploads, manifests, single-chunk puts and garbage collection keep needing the internal
token, so a leaked grant can neither publish nor delete anything.
"""

from __future__ import annotations

from pydantic import SecretStr
from starlette.datastructures import Headers

from kamld_common.errors import Unauthorized
from kamld_common.grants import GRANT_HEADER, Access, verify_grant


def grant_route(method: str, path: str) -> tuple[Access, str | None] | None:
    """The access (and upload id) a request needs when its route takes a grant, else ``None``."""
    match method, path.split("/"):
        case "POST", ["", "uploads", upload_id, "chunks" | "missing"] if upload_id:
            return Access.write, upload_id
        case "POST", ["", "chunks", "read" | "delta"]:
            return Access.read, None
        case "GET", ["", "chunks", digest] if digest:
            return Access.read, None
    return None


class GrantGate:
    """The identity middleware's ``admit``: a valid grant for the route stands in for the internal token.

    A grant offered on a route that takes none is ignored, so the internal token still decides.
    """

    def __init__(self, key: SecretStr | None) -> None:
        self.key = key.get_secret_value().encode() if key is not None else None

    def __call__(self, method: str, path: str, headers: Headers) -> bool:
        token = headers.get(GRANT_HEADER)
        if token is None:
            return False
        route = grant_route(method, path)
        if route is None:
            return False
        if self.key is None:
            raise Unauthorized(
                "direct transfers are not configured on storage-gateway (no transfer_key): "
                "send chunks through workbench-api",
                code="grant_invalid",
            )
        access, upload_id = route
        verify_grant(self.key, token, access=access, upload_id=upload_id)
        return True
