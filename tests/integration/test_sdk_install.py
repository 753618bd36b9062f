"""The SDK installs anywhere: into a fresh virtualenv outside the workspace, from its source
directory (``pip install ./libs/sdk``) or from the wheel ``make dist`` builds, and there pushes,
pulls, lists and opens files on a running platform, by the Python API and by the ``kamld`` command.

Dependencies come from pip's cache or the package index, at the versions uv.lock pins (passed to
pip as constraints). Nothing of the workspace is importable in that virtualenv: whatever the SDK
imports and does not declare fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from kamld_testing.platform import Platform, clean_environment

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).with_name("uv")

USE_THE_SDK = """
import csv, io, json, sys
from pathlib import Path

import kamld, kamld_content

name, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
with kamld.Client() as client:
    pushed = client.push(source, name, message="pushed from a fresh virtualenv")
    pulled = client.pull(f"{name}:{pushed.name}", target)
    log = [version.name for version in client.log(name)]
    files = [info.path for info in client.ls(f"{name}:{pushed.name}")]
with kamld.open(f"{name}:{pushed.name}/labels.csv") as stream:
    rows = list(csv.DictReader(io.TextIOWrapper(stream, encoding="utf-8")))
print(json.dumps({
    "version": pushed.name, "written": pulled.files_written, "log": log, "files": files,
    "rows": rows, "modules": [kamld.__file__, kamld_content.__file__],
}))
"""


def run(*command: str | Path, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        [str(part) for part in command], env=env, cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def outside_environment(platform: Platform, home: Path) -> dict[str, str]:
    """The user's shell, pointed at the platform: nothing of the workspace's Python or uv settings."""
    env = {
        key: value
        for key, value in clean_environment().items()
        if not key.startswith(("PYTHON", "UV_", "VIRTUAL_ENV", "PIP_CONSTRAINT"))
    }
    return {**env, "KAMLD_URL": platform.gateway, "KAMLD_TOKEN": platform.token, "KAMLD_HOME": str(home)}


@pytest.fixture(scope="module")
def locked_versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The versions uv.lock pins for the SDK's dependencies, as a pip constraints file."""
    constraints = tmp_path_factory.mktemp("constraints") / "kamld.txt"
    subprocess.run(
        [UV, "export", "--frozen", "--no-hashes", "--no-dev", "--no-emit-workspace", "--package", "kamld"]
        + ["--output-file", str(constraints)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return constraints


def source_directory(_: Path) -> Path:
    return ROOT / "libs" / "sdk"


def built_wheel(work: Path) -> Path:
    """The wheel ``make dist`` builds (the same command, into a folder of the test's own)."""
    subprocess.run(
        [UV, "build", "--quiet", "--out-dir", str(work / "dist"), ROOT / "libs" / "sdk"],
        check=True,
        capture_output=True,
    )
    (wheel,) = (work / "dist").glob("kamld-*.whl")
    return wheel


@pytest.mark.parametrize("platform", ["sqlite"], indirect=True)
@pytest.mark.parametrize("package", [source_directory, built_wheel], ids=["source-directory", "wheel"])
def test_the_sdk_installed_in_a_fresh_virtualenv_pushes_pulls_and_opens(
    platform: Platform, package, locked_versions: Path, tmp_path: Path
) -> None:
    environment = tmp_path / "venv"
    # pip itself comes from the workspace (``pip --python``): bootstrapping a copy into every
    # fresh virtualenv would only make the test slower.
    venv.EnvBuilder(with_pip=False).create(environment)
    python, kamld = environment / "bin" / "python", environment / "bin" / "kamld"
    env = outside_environment(platform, tmp_path / "home")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "-c",
        locked_versions,
        package(tmp_path),
        env=env,
        cwd=tmp_path,
    )

    source = tmp_path / "data"
    (source / "images").mkdir(parents=True)
    (source / "labels.csv").write_text("path,label\nimages/1.png,cat\n")
    (source / "images" / "1.png").write_bytes(os.urandom(300_000))
    name = f"fresh-{package.__name__.replace('_', '-')}"
    script = tmp_path / "use_the_sdk.py"
    script.write_text(USE_THE_SDK)

    report = json.loads(run(python, script, name, source, tmp_path / "pulled", env=env, cwd=tmp_path))

    assert all(Path(module).is_relative_to(environment) for module in report["modules"]), report["modules"]
    assert report["version"] == "v1"
    assert report["log"] == ["v1"]
    assert report["files"] == ["images/1.png", "labels.csv"]
    assert report["rows"] == [{"path": "images/1.png", "label": "cat"}]
    assert report["written"] == 2
    for path in ("labels.csv", "images/1.png"):
        assert (tmp_path / "pulled" / path).read_bytes() == (source / path).read_bytes()

    run(kamld, "pull", f"{name}:v1", tmp_path / "by-the-command", env=env, cwd=tmp_path)
    assert (tmp_path / "by-the-command" / "images" / "1.png").read_bytes() == (
        source / "images" / "1.png"
    ).read_bytes()
    listed = json.loads(run(kamld, "ls", f"{name}:v1", "--json", env=env, cwd=tmp_path))
    assert [entry["path"] for entry in listed] == ["images/1.png", "labels.csv"]

    # The platform itself is not part of the SDK: `kamld up` says so instead of failing to start.
    up = subprocess.run(
        [kamld, "up", "--home", tmp_path / "up-home"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert up.returncode == 1
    assert "not the platform's services" in up.stderr and "make up" in up.stderr
