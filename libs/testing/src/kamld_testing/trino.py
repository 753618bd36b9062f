"""A Hive catalog of its own on the Trino that ``KAMLD_TEST_TRINO_URL`` names, reading a test
platform's S3 endpoint.

The catalog is created with ``CREATE CATALOG`` (the server needs ``catalog.management=dynamic``)
and dropped afterwards. Trino must reach the platform's S3 endpoint: at ``127.0.0.1`` (a Trino on
this host, or in a container on the host network), or at the host ``KAMLD_TEST_TRINO_S3_HOST``
names.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

ENV_URL = "KAMLD_TEST_TRINO_URL"
SKIP_REASON = f"set {ENV_URL} to run against Trino"


def trino_url() -> str | None:
    return os.environ.get(ENV_URL) or None


@contextmanager
def hive_catalog(s3_url: str, key_id: str, secret: str, *, user: str = "kamld-test") -> Iterator[str]:
    """The name of a new Hive catalog whose S3 file system is the endpoint ``s3_url``."""
    import trino

    url = trino_url()
    if url is None:
        raise RuntimeError(SKIP_REASON)
    catalog = f"kamld_test_{secrets.token_hex(4)}"
    host = os.environ.get("KAMLD_TEST_TRINO_S3_HOST") or urlsplit(s3_url).hostname
    properties = {
        "hive.metastore": "file",
        "hive.metastore.catalog.dir": f"local:///tmp/{catalog}",
        "fs.native-local.enabled": "true",
        "local.location": "/",
        "fs.native-s3.enabled": "true",
        "s3.endpoint": f"http://{host}:{urlsplit(s3_url).port}",
        "s3.path-style-access": "true",
        "s3.region": "us-east-1",
        "s3.aws-access-key": key_id,
        "s3.aws-secret-key": secret,
        "hive.recursive-directories": "true",
        "hive.non-managed-table-writes-enabled": "false",
    }
    with_clause = ", ".join(f"\"{key}\" = '{value}'" for key, value in properties.items())
    connection = trino.dbapi.connect(host=url, user=user)  # type: ignore[no-untyped-call]
    try:
        cursor = connection.cursor()
        cursor.execute(f"CREATE CATALOG {catalog} USING hive WITH ({with_clause})")
        cursor.fetchall()
        try:
            yield catalog
        finally:
            cursor = connection.cursor()
            cursor.execute(f"DROP CATALOG {catalog}")
            cursor.fetchall()
    finally:
        connection.close()
