"""A client generated from the committed OpenAPI document reads the catalog through the gateway."""

from __future__ import annotations

import importlib
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "openapi" / "public-v1.json"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    if not GENERATOR.exists():
        pytest.skip("openapi-python-client is not installed (dev dependency group)")
    root = tmp_path_factory.mktemp("generated")
    config = root / "config.yaml"
    config.write_text(
        "project_name_override: kamld-public-client\npackage_name_override: kamld_public_client\n"
        "post_hooks: []\n"
    )
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(DOCUMENT),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(root / "kamld_public_client"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("kamld_public_client")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.startswith("kamld_public_client")]:
            del sys.modules[name]


def test_generated_client_lists_artifacts_and_gets_a_version(generated, gateway, tokens, push) -> None:
    name = f"generated-{secrets.token_hex(3)}"
    with gateway.client(tokens["editor"]) as editor:
        pushed = push(
            editor, name, {"a.txt": b"alpha\n", "b/c.txt": b"gamma\n"}, kind="dataset", message="seed"
        )

    artifacts_list = importlib.import_module("kamld_public_client.api.artifacts.list_artifacts")
    versions_get = importlib.import_module("kamld_public_client.api.versions.get_version")
    files_list = importlib.import_module("kamld_public_client.api.files.list_files")
    client = generated.AuthenticatedClient(base_url=gateway.url, token=tokens["viewer"])
    with client:
        page = artifacts_list.sync(client=client, limit=1000)
        assert name in [artifact.name for artifact in page.items]
        version = versions_get.sync(name, "latest", client=client)
        assert (version.ref, version.digest, version.file_count) == (f"{name}:v1", pushed["digest"], 2)
        files = files_list.sync(name, "v1", client=client)
        assert [(f.path, f.size) for f in files.items] == [("a.txt", 6), ("b/c.txt", 6)]
        missing = versions_get.sync_detailed(name, "v9", client=client)
        assert missing.status_code == 404 and missing.parsed.code == "version_not_found"

    anonymous = generated.Client(base_url=gateway.url)
    with anonymous:
        assert artifacts_list.sync_detailed(client=anonymous).status_code == 401
