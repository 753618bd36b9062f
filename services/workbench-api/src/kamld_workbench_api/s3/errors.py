"""S3's own error codes, rendered as S3's XML error document."""

from __future__ import annotations

from xml.sax.saxutils import escape


class S3Error(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def xml(self, resource: str, request_id: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{escape(self.message)}</Message>"
            f"<Resource>{escape(resource)}</Resource><RequestId>{request_id}</RequestId></Error>"
        ).encode()


def access_denied(message: str) -> S3Error:
    return S3Error(403, "AccessDenied", message)


def no_such_bucket(bucket: str) -> S3Error:
    return S3Error(404, "NoSuchBucket", f"the artifact {bucket!r} does not exist")


def no_such_key(key: str) -> S3Error:
    return S3Error(404, "NoSuchKey", f"the key {key!r} names no file of a version")
