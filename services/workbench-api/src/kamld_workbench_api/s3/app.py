"""The S3 endpoint's ASGI app: GetObject, HeadObject, ListObjectsV2, ListBuckets, GetBucketLocation,
HeadBucket; path-style addressing only; every request signed (SigV4) with a token's access key.

It runs beside the public API in workbench-api (its own port, 8085 by default) and reads through
the same :class:`~kamld_workbench_api.catalog.service.Catalog`, so it sees exactly what the API
sees and streams file bytes from storage-gateway with Range, ETag and If-None-Match passed on.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import structlog
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from kamld_common.errors import KamldError, NotFound
from kamld_workbench_api.auth.service import TokenService
from kamld_workbench_api.catalog.endpoints import get_catalog
from kamld_workbench_api.catalog.service import Catalog
from kamld_workbench_api.s3 import sigv4
from kamld_workbench_api.s3.errors import S3Error, no_such_bucket, no_such_key
from kamld_workbench_api.s3.listing import list_keys

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
XML = "application/xml"
MAX_KEYS = 1000
log = structlog.get_logger("kamld.s3")


def _xml(body: str, status: int = 200) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, status_code=status, media_type=XML)


def _iso(value: str | datetime) -> str:
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _http_date(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _etag(digest: str) -> str:
    return '"' + digest.split(":", 1)[-1] + '"'


def create_s3_app(api: Any, region: str) -> Starlette:
    """The endpoint, reading the gateway app ``api``'s state (its tokens and upstream clients)."""

    async def handle(request: Request) -> Response:
        request_id = secrets.token_hex(8).upper()
        resource = request.url.path
        try:
            response = await _dispatch(request)
        except S3Error as exc:
            response = Response(
                b"" if request.method == "HEAD" else exc.xml(resource, request_id),
                status_code=exc.status,
                media_type=XML,
            )
        response.headers["x-amz-request-id"] = request_id
        return response

    async def _dispatch(request: Request) -> Response:
        await _authenticate(request)
        if request.method not in ("GET", "HEAD"):
            raise S3Error(405, "MethodNotAllowed", "this endpoint is read-only")
        bucket, _, key = request.url.path.lstrip("/").partition("/")
        query = dict(parse_qsl(request.url.query, keep_blank_values=True))
        catalog = await get_catalog(request_for_api(request))
        try:
            if not bucket:
                return await _list_buckets(catalog)
            if not key:
                return await _bucket(request, catalog, bucket, query)
            return await _object(request, catalog, bucket, key)
        except S3Error:
            raise
        except NotFound as exc:
            raise (no_such_key(key) if _about_key(exc, key) else no_such_bucket(bucket)) from None
        except KamldError as exc:
            if exc.status == 416:
                raise S3Error(416, "InvalidRange", "the requested range is not satisfiable") from None
            if exc.status == 422 and key:
                raise no_such_key(key) from None
            log.warning("s3_upstream_error", code=exc.code, status=exc.status)
            raise S3Error(503, "ServiceUnavailable", "the platform could not answer; retry") from None

    def request_for_api(request: Request) -> Request:
        scope = dict(request.scope)
        scope["app"] = api
        return Request(scope)

    async def _authenticate(request: Request) -> None:
        tokens: TokenService = api.state.tokens
        callers: dict[str, str] = {}

        async def secret_of(key_id: str) -> str | None:
            found = await tokens.s3_credentials(key_id)
            if found is None:
                return None
            callers[key_id] = found[0].name
            return found[1]

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.scope["headers"]}
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0]
        signed = sigv4.Request(
            request.method, raw_path, parse_qsl(request.url.query, keep_blank_values=True), headers
        )
        key_id = await sigv4.verify(signed, secret_of)
        request.state.caller = callers.get(key_id)

    async def _list_buckets(catalog: Catalog) -> Response:
        rows, after = [], None
        while True:
            page = await catalog.list_artifacts(limit=1000, after=after)
            rows.extend(page["items"])
            if not (after := page["next"]):
                break
        buckets = "".join(
            f"<Bucket><Name>{escape(a['name'])}</Name><CreationDate>{_iso(a['created_at'])}</CreationDate></Bucket>"
            for a in rows
        )
        return _xml(
            f'<ListAllMyBucketsResult xmlns="{NS}">'
            "<Owner><ID>kamld</ID><DisplayName>kamld</DisplayName></Owner>"
            f"<Buckets>{buckets}</Buckets></ListAllMyBucketsResult>"
        )

    async def _bucket(request: Request, catalog: Catalog, bucket: str, query: dict[str, str]) -> Response:
        await catalog.artifact_body(bucket)  # NotFound -> NoSuchBucket
        if request.method == "HEAD":
            return Response(status_code=200, headers={"x-amz-bucket-region": region})
        if "location" in query:
            constraint = "" if region == "us-east-1" else escape(region)
            return _xml(f'<LocationConstraint xmlns="{NS}">{constraint}</LocationConstraint>')
        if query.get("list-type") != "2":
            return await _list_v2(catalog, bucket, query, version=1)
        return await _list_v2(catalog, bucket, query, version=2)

    async def _list_v2(catalog: Catalog, bucket: str, query: dict[str, str], version: int) -> Response:
        prefix = query.get("prefix", "")
        delimiter = query.get("delimiter", "")
        try:
            max_keys = min(int(query.get("max-keys", MAX_KEYS)), MAX_KEYS)
        except ValueError:
            raise S3Error(400, "InvalidArgument", "max-keys must be an integer") from None
        if max_keys < 0:
            raise S3Error(400, "InvalidArgument", "max-keys must not be negative")
        token = query.get("continuation-token") if version == 2 else None
        start = query.get("start-after", "") if version == 2 else query.get("marker", "")
        if token:
            try:
                start = base64.urlsafe_b64decode(token.encode()).decode()
            except ValueError:
                raise S3Error(
                    400, "InvalidArgument", "the continuation token is not one this endpoint gave"
                ) from None
        listing = await list_keys(
            catalog, bucket, prefix=prefix, delimiter=delimiter, start_after=start, max_keys=max_keys
        )
        contents = "".join(
            f"<Contents><Key>{escape(k['key'])}</Key><LastModified>{_iso(k['modified'])}</LastModified>"
            f"<ETag>{escape(_etag(k['digest']))}</ETag><Size>{k['size']}</Size>"
            "<StorageClass>STANDARD</StorageClass></Contents>"
            for k in listing.keys
        )
        prefixes = "".join(
            f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in listing.prefixes
        )
        count = len(listing.keys) + len(listing.prefixes)
        parts = [
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>",
            f"<MaxKeys>{max_keys}</MaxKeys>",
            f"<Delimiter>{escape(delimiter)}</Delimiter>" if delimiter else "",
            f"<IsTruncated>{'true' if listing.truncated else 'false'}</IsTruncated>",
        ]
        if version == 2:
            parts.append(f"<KeyCount>{count}</KeyCount>")
            if token:
                parts.append(f"<ContinuationToken>{escape(token)}</ContinuationToken>")
            if listing.truncated and listing.last:
                following = base64.urlsafe_b64encode(listing.last.encode()).decode()
                parts.append(f"<NextContinuationToken>{following}</NextContinuationToken>")
            if query.get("start-after"):
                parts.append(f"<StartAfter>{escape(query['start-after'])}</StartAfter>")
        else:
            parts.append(f"<Marker>{escape(start)}</Marker>")
            if listing.truncated and listing.last:
                parts.append(f"<NextMarker>{escape(listing.last)}</NextMarker>")
        return _xml(f'<ListBucketResult xmlns="{NS}">{"".join(parts)}{contents}{prefixes}</ListBucketResult>')

    async def _object(request: Request, catalog: Catalog, bucket: str, key: str) -> Response:
        ref, _, path = key.partition("/")
        if not path:
            raise no_such_key(key)
        version = await catalog.get_version(bucket, ref)
        conditions = {"range": request.headers.get("range", "")}
        inm = request.headers.get("if-none-match", "")
        download = await catalog.open_file(bucket, ref, path, conditions, method=request.method)
        etag = _etag(download.headers.get("etag", "").strip('"') or version["digest"])
        if inm and etag in [tag.strip() for tag in inm.split(",")] or inm.strip() == "*":
            await download.close()
            return Response(status_code=304, headers={"ETag": etag})
        headers = {
            "ETag": etag,
            "Last-Modified": _http_date(version["created_at"]),
            "Accept-Ranges": "bytes",
            "x-amz-meta-kamld-version": f"{bucket}:v{version['number']}",
        }
        for name in ("content-length", "content-range", "content-type"):
            if name in download.headers:
                headers[name] = download.headers[name]
        if request.method == "HEAD":
            await download.close()
            return Response(status_code=download.status, headers=headers)
        return StreamingResponse(
            download.chunks(),
            status_code=download.status,
            headers=headers,
            background=BackgroundTask(download.close),
        )

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "HEAD", "PUT", "POST", "DELETE"])])


def _about_key(exc: NotFound, key: str) -> bool:
    """Whether a NotFound is about the key (a version or file) rather than the bucket (the artifact)."""
    return bool(key) and exc.code != "artifact_not_found"
