"""Checking AWS Signature Version 4, in the ``Authorization`` header or a presigned URL's query.

The canonical request is rebuilt from what arrived (method, path, query, the signed headers and
the payload hash the client declared) exactly as the SigV4 specification for S3 says: the path
encoded once (not twice, as other AWS services do), query parameters sorted and encoded, header
values trimmed with inner runs of spaces collapsed. The signature is compared in constant time.
Only reads arrive here, so the payload is empty and its declared hash is not recomputed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

from kamld_workbench_api.s3.errors import S3Error, access_denied

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
MAX_PRESIGNED_EXPIRY_S = 7 * 24 * 3600
UNSIGNED = "UNSIGNED-PAYLOAD"
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-f]{64})\s*"
)
_SPACES = re.compile(r"\s+")
SecretLookup = Callable[[str], Awaitable[str | None]]
"""The secret key of an access key id, None when it is unknown or revoked."""


@dataclass(frozen=True)
class Request:
    method: str
    raw_path: str
    query: Sequence[tuple[str, str]]
    headers: Mapping[str, str]  # lower-case names


@dataclass(frozen=True)
class Signed:
    access_key_id: str
    credential_scope: str
    signed_headers: list[str]
    signature: str
    amz_date: str
    payload_hash: str
    presigned: bool


def _malformed(message: str) -> S3Error:
    return S3Error(400, "AuthorizationHeaderMalformed", message)


def _uri_encode(value: str, safe: str) -> str:
    return quote(value, safe=safe)


def canonical_query(query: Sequence[tuple[str, str]]) -> str:
    pairs = sorted(
        (_uri_encode(k, "-_.~"), _uri_encode(v, "-_.~")) for k, v in query if k != "X-Amz-Signature"
    )
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_request(request: Request, signed: Signed) -> str:
    path = _uri_encode(unquote(request.raw_path), "/-_.~")
    lines = []
    for name in signed.signed_headers:
        if name not in request.headers:
            raise access_denied(f"the signed header {name!r} is missing")
        lines.append(f"{name}:{_SPACES.sub(' ', request.headers[name].strip())}\n")
    return "\n".join(
        [
            request.method,
            path,
            canonical_query(request.query),
            "".join(lines),
            ";".join(signed.signed_headers),
            signed.payload_hash,
        ]
    )


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.new(f"AWS4{secret}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature_of(request: Request, signed: Signed, secret: str) -> str:
    date, region, service, _ = signed.credential_scope.split("/")
    digest = hashlib.sha256(canonical_request(request, signed).encode()).hexdigest()
    to_sign = f"{ALGORITHM}\n{signed.amz_date}\n{signed.credential_scope}\n{digest}"
    return hmac.new(signing_key(secret, date, region, service), to_sign.encode(), hashlib.sha256).hexdigest()


def parse(request: Request) -> Signed:
    """The signature a request carries; :class:`S3Error` when it carries none or a malformed one."""
    query = dict(request.query)
    if "X-Amz-Signature" in query:
        return _parse_presigned(query)
    header = request.headers.get("authorization")
    if not header:
        raise access_denied("anonymous requests are refused: sign requests with an access key (SigV4)")
    match = _AUTH.fullmatch(header.strip())
    if match is None:
        if header.startswith("AWS "):
            raise S3Error(400, "InvalidRequest", "signature version 2 is not supported: use SigV4")
        raise _malformed("the Authorization header is not a SigV4 one")
    key_id, scope = _split_credential(match["credential"])
    amz_date = request.headers.get("x-amz-date", "")
    payload = request.headers.get("x-amz-content-sha256", "")
    if not payload:
        raise S3Error(400, "InvalidRequest", "the x-amz-content-sha256 header is missing")
    return Signed(key_id, scope, match["headers"].split(";"), match["signature"], amz_date, payload, False)


def _parse_presigned(query: Mapping[str, str]) -> Signed:
    if query.get("X-Amz-Algorithm") != ALGORITHM:
        raise _malformed(f"X-Amz-Algorithm must be {ALGORITHM}")
    key_id, scope = _split_credential(query.get("X-Amz-Credential", ""))
    signature = query.get("X-Amz-Signature", "")
    if not re.fullmatch(r"[0-9a-f]{64}", signature):
        raise _malformed("X-Amz-Signature is not 64 hex digits")
    headers = query.get("X-Amz-SignedHeaders", "host").split(";")
    return Signed(key_id, scope, headers, signature, query.get("X-Amz-Date", ""), UNSIGNED, True)


def _split_credential(credential: str) -> tuple[str, str]:
    parts = credential.split("/")
    if (
        len(parts) != 5
        or parts[3] != "s3"
        or parts[4] != "aws4_request"
        or not re.fullmatch(r"\d{8}", parts[1])
    ):
        raise _malformed(f"the credential {credential!r} is not KEY/DATE/REGION/s3/aws4_request")
    return parts[0], "/".join(parts[1:])


def _check_time(signed: Signed, query: Mapping[str, str], now: datetime) -> None:
    try:
        when = datetime.strptime(signed.amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise S3Error(403, "AccessDenied", "X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ") from None
    if signed.credential_scope[:8] != signed.amz_date[:8]:
        raise _malformed("the credential's date is not the request's date")
    if signed.presigned:
        try:
            expires = int(query.get("X-Amz-Expires", ""))
        except ValueError:
            raise _malformed("X-Amz-Expires is missing or not a number") from None
        if not 1 <= expires <= MAX_PRESIGNED_EXPIRY_S:
            raise _malformed(f"X-Amz-Expires must be 1 to {MAX_PRESIGNED_EXPIRY_S}")
        if now > when + timedelta(seconds=expires):
            raise access_denied("the presigned URL has expired")
        if when - now > MAX_SKEW:
            raise S3Error(403, "RequestTimeTooSkewed", "the request's time is too far in the future")
    elif abs(now - when) > MAX_SKEW:
        raise S3Error(
            403, "RequestTimeTooSkewed", "the request's time differs from the server's by over 15 minutes"
        )


async def verify(request: Request, secret_of: SecretLookup, now: datetime | None = None) -> str:
    """The access key id of a correctly signed request; else the :class:`S3Error` S3 would answer."""
    signed = parse(request)
    if "host" not in signed.signed_headers:
        raise access_denied("the Host header must be signed")
    secret = await secret_of(signed.access_key_id)
    if secret is None:
        raise S3Error(403, "InvalidAccessKeyId", "the access key id does not exist or was revoked")
    _check_time(signed, dict(request.query), now or datetime.now(UTC))
    expected = signature_of(request, signed, secret)
    if not hmac.compare_digest(expected, signed.signature):
        raise S3Error(
            403,
            "SignatureDoesNotMatch",
            "the request signature we calculated does not match the signature you provided",
        )
    return signed.access_key_id
