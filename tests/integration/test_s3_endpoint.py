"""The S3-compatible endpoint with real S3 clients (boto3, the aws CLI, DuckDB's httpfs, s3fs,
pyarrow's S3FileSystem): bucket = artifact, key = REF/PATH; reads, ranges, conditional reads,
listings with prefixes, delimiters and continuation; S3's own errors for missing buckets and keys,
wrong signatures, unknown and revoked keys, anonymous and write requests."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from kamld_testing.platform import Platform, kamld_command
from kamld_testing.trino import SKIP_REASON, hive_catalog, trino_url

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def platform(limited_platform: Platform) -> Platform:
    return limited_platform


def cli(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMLD_")}
    env |= {
        "KAMLD_URL": platform.gateway,
        "KAMLD_TOKEN": platform.token,
        "KAMLD_HOME": str(platform.home / "cli"),
    }
    return subprocess.run(kamld_command(*args), env=env, capture_output=True, text=True, timeout=120)


def new_key(platform: Platform, name: str) -> tuple[str, str]:
    created = cli(platform, "token", "create", name, "--role", "viewer", "--s3")
    assert created.returncode == 0, created.stderr
    values = dict(line.split(" = ", 1) for line in created.stdout.splitlines() if line.startswith("aws_"))
    return values["aws_access_key_id"], values["aws_secret_access_key"]


@pytest.fixture(scope="module")
def bucket(platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> str:
    """v1: labels.csv; v2: labels.csv, img/a.png, img/b.png, img/deep/c.png, parts/p.csv; production -> v1."""
    name = f"faces-{secrets.token_hex(3)}"
    for files in (
        {"labels.csv": b"id,label\n1,cat\n2,dog\n"},
        {
            "labels.csv": b"id,label\n1,cat\n2,dog\n3,owl\n",
            "img/a.png": b"A" * 1000,
            "img/b.png": b"B" * 10,
            "img/deep/c.png": b"C",
            "parts/p.csv": b"x\n1\n",
        },
    ):
        root = tmp_path_factory.mktemp("src")
        for path, data in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)
        assert cli(platform, "push", str(root), name).returncode == 0
    assert cli(platform, "alias", "set", name, "production", "v1").returncode == 0
    return name


@pytest.fixture(scope="module")
def keys(platform: Platform) -> tuple[str, str]:
    return new_key(platform, f"s3-{secrets.token_hex(3)}")


def client(platform: Platform, key_id: str, secret: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=platform.urls["s3"],
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def s3(platform: Platform, keys: tuple[str, str]):  # type: ignore[no-untyped-def]
    return client(platform, *keys)


def code_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as failed:
        call()
    return str(failed.value.response["Error"]["Code"])


def test_boto3_reads_objects_with_ranges_and_conditions(s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    whole = s3.get_object(Bucket=bucket, Key="v2/labels.csv")
    assert whole["Body"].read() == b"id,label\n1,cat\n2,dog\n3,owl\n"
    assert (
        s3.get_object(Bucket=bucket, Key="production/labels.csv")["Body"].read()
        == b"id,label\n1,cat\n2,dog\n"
    )
    assert s3.get_object(Bucket=bucket, Key="latest/labels.csv")["ETag"] == whole["ETag"]
    part = s3.get_object(Bucket=bucket, Key="v2/img/a.png", Range="bytes=10-19")
    assert part["Body"].read() == b"A" * 10 and part["ContentRange"] == "bytes 10-19/1000"
    head = s3.head_object(Bucket=bucket, Key="v2/img/a.png")
    assert (
        head["ContentLength"] == 1000
        and head["ETag"] == s3.get_object(Bucket=bucket, Key="v2/img/a.png")["ETag"]
    )
    assert (
        code_of(lambda: s3.get_object(Bucket=bucket, Key="v2/labels.csv", IfNoneMatch=whole["ETag"])) == "304"
    )
    assert (
        code_of(lambda: s3.get_object(Bucket=bucket, Key="v2/img/b.png", Range="bytes=50-60"))
        == "InvalidRange"
    )
    assert code_of(lambda: s3.get_object(Bucket=bucket, Key="v9/labels.csv")) == "NoSuchKey"
    assert code_of(lambda: s3.get_object(Bucket=bucket, Key="v2/none.csv")) == "NoSuchKey"
    assert code_of(lambda: s3.get_object(Bucket="no-such-artifact", Key="v1/x")) == "NoSuchBucket"
    assert code_of(lambda: s3.head_bucket(Bucket="no-such-artifact")) == "404"


def test_boto3_lists_buckets_and_keys(s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None  # us-east-1
    refs = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in refs["CommonPrefixes"]] == ["latest/", "production/", "v1/", "v2/"]
    top = s3.list_objects_v2(Bucket=bucket, Prefix="v2/", Delimiter="/")
    assert [c["Key"] for c in top["Contents"]] == ["v2/labels.csv"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["v2/img/", "v2/parts/"]
    img = s3.list_objects_v2(Bucket=bucket, Prefix="v2/img/")
    assert [(c["Key"], c["Size"]) for c in img["Contents"]] == [
        ("v2/img/a.png", 1000),
        ("v2/img/b.png", 10),
        ("v2/img/deep/c.png", 1),
    ]
    keys, token = [], None
    while True:
        page = s3.list_objects_v2(
            Bucket=bucket, Prefix="v2/", MaxKeys=2, **({"ContinuationToken": token} if token else {})
        )
        keys += [c["Key"] for c in page.get("Contents", [])]
        assert page["KeyCount"] <= 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert keys == ["v2/img/a.png", "v2/img/b.png", "v2/img/deep/c.png", "v2/labels.csv", "v2/parts/p.csv"]
    everything = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3})
    all_keys = [c["Key"] for page in everything for c in page.get("Contents", [])]
    assert (
        "production/labels.csv" in all_keys and "v1/labels.csv" in all_keys and len(all_keys) == 12
    )  # latest 5, production 1, v1 1, v2 5


def test_signatures_are_checked_with_s3s_own_errors(
    platform: Platform, keys: tuple[str, str], bucket: str
) -> None:
    key_id, secret = keys
    assert code_of(lambda: client(platform, key_id, "x" * 40).list_buckets()) == "SignatureDoesNotMatch"
    assert (
        code_of(lambda: client(platform, "AKIANOSUCHKEY0000000", secret).list_buckets())
        == "InvalidAccessKeyId"
    )
    anonymous = httpx.get(f"{platform.urls['s3']}/{bucket}/v1/labels.csv")
    assert anonymous.status_code == 403 and "<Code>AccessDenied</Code>" in anonymous.text

    # a signed request whose path is changed afterwards no longer matches its signature
    request = AWSRequest(method="GET", url=f"{platform.urls['s3']}/{bucket}/v1/labels.csv")
    request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    S3SigV4Auth(Credentials(key_id, secret), "s3", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    assert httpx.get(request.url, headers=headers).status_code == 200
    tampered = httpx.get(f"{platform.urls['s3']}/{bucket}/v2/labels.csv", headers=headers)
    assert tampered.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in tampered.text

    presigned = client(platform, key_id, secret).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "v1/labels.csv"}, ExpiresIn=60
    )
    assert httpx.get(presigned).content == b"id,label\n1,cat\n2,dog\n"
    assert httpx.get(presigned.replace("v1/labels", "v2/labels")).status_code == 403

    write = httpx.put(f"{platform.urls['s3']}/{bucket}/v3/x.csv", headers=headers, content=b"x")
    assert write.status_code in (403, 405)


def test_a_revoked_tokens_key_stops_working(platform: Platform, bucket: str) -> None:
    name = f"s3-gone-{secrets.token_hex(3)}"
    key_id, secret = new_key(platform, name)
    s3 = client(platform, key_id, secret)
    assert s3.get_object(Bucket=bucket, Key="v1/labels.csv")["ContentLength"] == 21
    assert cli(platform, "token", "revoke", name).returncode == 0
    assert code_of(lambda: s3.get_object(Bucket=bucket, Key="v1/labels.csv")) == "InvalidAccessKeyId"


def test_the_aws_cli(platform: Platform, keys: tuple[str, str], bucket: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {
        "AWS_ACCESS_KEY_ID": keys[0],
        "AWS_SECRET_ACCESS_KEY": keys[1],
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    aws = [str(Path(sys.executable).with_name("aws")), "--endpoint-url", platform.urls["s3"]]
    listed = subprocess.run([*aws, "s3", "ls", f"s3://{bucket}/v2/"], env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "PRE img/" in listed.stdout and "labels.csv" in listed.stdout
    copied = subprocess.run(
        [*aws, "s3", "cp", f"s3://{bucket}/v2/img/a.png", str(tmp_path / "a.png")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "a.png").read_bytes() == b"A" * 1000
    synced = subprocess.run(
        [*aws, "s3", "sync", f"s3://{bucket}/v2/img/", str(tmp_path / "img")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert synced.returncode == 0, synced.stderr
    assert sorted(p.name for p in (tmp_path / "img").rglob("*.png")) == ["a.png", "b.png", "c.png"]


def test_duckdb_httpfs_reads_in_place(platform: Platform, keys: tuple[str, str], bucket: str) -> None:
    import duckdb
    import duckdb_extension_httpfs

    extension = next(Path(duckdb_extension_httpfs.__file__).parent.rglob("httpfs.duckdb_extension"))
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"LOAD '{extension}'")
    endpoint = platform.urls["s3"].removeprefix("http://")
    con.execute(
        f"CREATE SECRET (TYPE s3, KEY_ID '{keys[0]}', SECRET '{keys[1]}', ENDPOINT '{endpoint}', "
        "URL_STYLE 'path', USE_SSL false, REGION 'us-east-1')"
    )
    rows = con.execute(
        f"SELECT label, count(*) FROM 's3://{bucket}/v2/labels.csv' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert rows == [("cat", 1), ("dog", 1), ("owl", 1)]
    globbed = con.execute(
        f"SELECT count(*) FROM read_csv('s3://{bucket}/*/labels.csv', filename=true)"
    ).fetchone()
    assert globbed == (2 + 3 + 3 + 2,)  # latest, production, v1, v2


def test_s3fs_and_pyarrow(platform: Platform, keys: tuple[str, str], bucket: str) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.fs as pafs
    import s3fs

    fs = s3fs.S3FileSystem(
        key=keys[0],
        secret=keys[1],
        client_kwargs={"endpoint_url": platform.urls["s3"], "region_name": "us-east-1"},
    )
    assert sorted(fs.ls(f"{bucket}/v2/img")) == [
        f"{bucket}/v2/img/a.png",
        f"{bucket}/v2/img/b.png",
        f"{bucket}/v2/img/deep",
    ]
    with fs.open(f"{bucket}/v2/img/a.png", "rb") as handle:
        handle.seek(990)
        assert handle.read() == b"A" * 10
    assert fs.glob(f"{bucket}/v2/**/*.png") == [
        f"{bucket}/v2/img/a.png",
        f"{bucket}/v2/img/b.png",
        f"{bucket}/v2/img/deep/c.png",
    ]
    arrow = pafs.S3FileSystem(
        access_key=keys[0],
        secret_key=keys[1],
        endpoint_override=platform.urls["s3"],
        scheme="http",
        region="us-east-1",
        force_virtual_addressing=False,
    )
    with arrow.open_input_stream(f"{bucket}/v2/labels.csv") as stream:
        assert pcsv.read_csv(stream).column("label").to_pylist() == ["cat", "dog", "owl"]
    infos = arrow.get_file_info(pafs.FileSelector(f"{bucket}/v2/img", recursive=True))
    assert sorted(i.path for i in infos if i.type == pafs.FileType.File) == [
        f"{bucket}/v2/img/a.png",
        f"{bucket}/v2/img/b.png",
        f"{bucket}/v2/img/deep/c.png",
    ]


@pytest.mark.skipif(not trino_url(), reason=SKIP_REASON)
def test_trinos_hive_connector(platform: Platform, keys: tuple[str, str], bucket: str) -> None:
    """A Hive catalog with this endpoint as its S3 file system reads a version's folder as an
    external table, an alias's folder as the version it names, and lists the files it read."""
    import trino

    with hive_catalog(platform.urls["s3"], *keys) as catalog:
        connection = trino.dbapi.connect(host=trino_url(), user="kamld-test", catalog=catalog)
        cursor = connection.cursor()
        statements = [
            "CREATE SCHEMA s",
            "CREATE TABLE s.parts (x varchar) WITH "
            f"(external_location = 's3://{bucket}/v2/parts/', format = 'CSV', skip_header_line_count = 1)",
            "CREATE TABLE s.production (id varchar, label varchar) WITH "
            f"(external_location = 's3://{bucket}/production/', format = 'CSV', skip_header_line_count = 1)",
        ]
        try:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            cursor.execute('SELECT x, "$path" FROM s.parts')
            assert cursor.fetchall() == [["1", f"s3://{bucket}/v2/parts/p.csv"]]
            cursor.execute("SELECT label FROM s.production ORDER BY id")
            assert cursor.fetchall() == [["cat"], ["dog"]]  # production -> v1 (2 rows; v2 has 3)
        finally:
            for statement in (
                "DROP TABLE IF EXISTS s.parts",
                "DROP TABLE IF EXISTS s.production",
                "DROP SCHEMA IF EXISTS s",
            ):
                cursor.execute(statement)
                cursor.fetchall()
            connection.close()
