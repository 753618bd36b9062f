"""The SigV4 verifier against requests signed by botocore's own signer (header and presigned),
for keys and queries that need encoding, and the S3 error each kind of bad request gets."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kamld_workbench_api.s3 import sigv4
from kamld_workbench_api.s3.errors import S3Error

KEY_ID, SECRET = "KAMLDTESTKEY00000000", "s3cr3t/with+odd=chars-and-length-40xxxxx"
ENDPOINT = "http://127.0.0.1:8085"


async def secret_of(key_id: str) -> str | None:
    return SECRET if key_id == KEY_ID else None


def as_request(signed: AWSRequest) -> sigv4.Request:
    url = urlsplit(signed.url)
    headers = {k.lower(): v for k, v in signed.headers.items()}
    headers.setdefault("host", url.netloc)
    return sigv4.Request(signed.method, url.path, parse_qsl(url.query, keep_blank_values=True), headers)


def header_signed(path: str, query: str = "", secret: str = SECRET, **headers: str) -> sigv4.Request:
    request = AWSRequest(method="GET", url=f"{ENDPOINT}{path}{'?' + query if query else ''}", headers=headers)
    request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    S3SigV4Auth(Credentials(KEY_ID, secret), "s3", "us-east-1").add_auth(request)
    return as_request(request)


def presigned(path: str, expires: int = 60) -> sigv4.Request:
    request = AWSRequest(method="GET", url=f"{ENDPOINT}{path}")
    S3SigV4QueryAuth(Credentials(KEY_ID, SECRET), "s3", "eu-west-1", expires=expires).add_auth(request)
    return as_request(request)


def verify(request: sigv4.Request, now: datetime | None = None) -> str:
    return asyncio.run(sigv4.verify(request, secret_of, now))


def error_of(request: sigv4.Request, now: datetime | None = None) -> str:
    with pytest.raises(S3Error) as failed:
        verify(request, now)
    return failed.value.code


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", ""),
        ("/faces", "list-type=2&prefix=v2%2Fimg%2F&delimiter=%2F&max-keys=2"),
        ("/faces/v3/labels.csv", ""),
        ("/faces/v3/dir%20with%20space/%C3%A9t%C3%A9%2Bplus%3Dequals.csv", ""),
        ("/faces", "location="),
        ("/faces", "continuation-token=djIvaW1n%2Fx%3D%3D&list-type=2"),
    ],
)
def test_requests_botocore_signed_are_accepted(path: str, query: str) -> None:
    assert verify(header_signed(path, query, Range="bytes=0-9")) == KEY_ID
    assert verify(presigned(path + ("?" + query if query else ""))) == KEY_ID


def test_any_change_after_signing_breaks_the_signature() -> None:
    good = header_signed("/faces/v3/a.csv", "x-id=GetObject", Range="bytes=0-9")
    for changed in (
        sigv4.Request(good.method, "/faces/v3/b.csv", good.query, good.headers),
        sigv4.Request("HEAD", good.raw_path, good.query, good.headers),
        sigv4.Request(good.method, good.raw_path, [("x-id", "Other")], good.headers),
        sigv4.Request(good.method, good.raw_path, good.query, {**good.headers, "range": "bytes=0-99"}),
    ):
        assert error_of(changed) == "SignatureDoesNotMatch"
    assert error_of(header_signed("/faces/v3/a.csv", secret="wrong" * 8)) == "SignatureDoesNotMatch"


def test_unknown_keys_anonymous_and_malformed_requests() -> None:
    good = header_signed("/faces/v3/a.csv")
    unknown = {
        **good.headers,
        "authorization": good.headers["authorization"].replace(KEY_ID, "AKIAUNKNOWN000000000"),
    }
    assert error_of(sigv4.Request("GET", good.raw_path, [], unknown)) == "InvalidAccessKeyId"
    assert error_of(sigv4.Request("GET", "/faces/v3/a.csv", [], {"host": "x"})) == "AccessDenied"
    for header in ("Bearer abc", "AWS4-HMAC-SHA256 Credential=x", "AWS KEY:signature"):
        assert error_of(sigv4.Request("GET", "/", [], {"authorization": header, "host": "x"})) in (
            "AuthorizationHeaderMalformed",
            "InvalidRequest",
        )


def test_time_is_checked() -> None:
    request = header_signed("/faces/v3/a.csv")
    assert error_of(request, now=datetime.now(UTC) + timedelta(minutes=20)) == "RequestTimeTooSkewed"
    link = presigned("/faces/v3/a.csv", expires=60)
    assert verify(link, now=datetime.now(UTC) + timedelta(seconds=30)) == KEY_ID
    assert error_of(link, now=datetime.now(UTC) + timedelta(minutes=2)) == "AccessDenied"
