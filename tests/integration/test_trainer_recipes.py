"""The built-in recipes run for real on small data made here, each in its own cached virtualenv.

The first run of a recipe on a machine builds its environment (pip, minutes for TensorFlow);
later sessions reuse it (see ``kamld_testing.runs.shared_envs_dir``).
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import kamld
from kamld_testing.platform import Platform, clean_environment, running_platform
from kamld_testing.processes import env_prefix
from kamld_testing.runs import shared_envs_dir, wait_for_run

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    env = clean_environment() | {env_prefix("trainer") + "ENVS_DIR": str(shared_envs_dir())}
    with running_platform(tmp_path_factory.mktemp("home-recipes"), env, database="sqlite-local") as running:
        yield running


@pytest.fixture(scope="module")
def api(platform: Platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway + "/api/v1", headers=platform.auth, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def sdk(platform: Platform) -> Iterator[kamld.Client]:
    with kamld.Client(platform.gateway, platform.token) as client:
        yield client


def table(rows: int, seed: int) -> str:
    """Two informative columns and one of noise; ``label`` is whether a + b > 1."""
    rng = random.Random(seed)
    lines = ["a,b,noise,label"]
    for _ in range(rows):
        a, b = rng.random(), rng.random()
        lines.append(f"{a:.5f},{b:.5f},{rng.random():.5f},{'yes' if a + b > 1 else 'no'}")
    return "\n".join(lines) + "\n"


def png(width: int, height: int, pixel: tuple[int, int, int], seed: int) -> bytes:
    """An RGB PNG of one colour with noise, written with zlib alone."""
    rng = random.Random(seed)
    raw = b"".join(
        b"\0" + bytes(max(0, min(255, c + rng.randint(-40, 40))) for _ in range(width) for c in pixel)
        for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_folder(root: Path, count: int = 32) -> Path:
    lines = ["file,label"]
    for n in range(count):
        label, colour = ("red", (200, 40, 40)) if n % 2 else ("blue", (40, 40, 200))
        (root / f"img{n:03d}.png").write_bytes(png(16, 16, colour, n))
        lines.append(f"img{n:03d}.png,{label}")
    (root / "labels.csv").write_text("\n".join(lines) + "\n")
    return root


def train(api: httpx.Client, recipe: str, inputs: list[str], output: str, **params: object) -> dict:
    body = {"recipe": recipe, "inputs": inputs, "params": params, "output": output}
    response = api.post("/runs", json=body)
    assert response.status_code == 201, response.text
    return wait_for_run(api, response.json()["id"], deadline_s=1800)


def test_sklearn_tabular_trains_a_classifier_with_onnx_and_lineage(
    api: httpx.Client, sdk: kamld.Client, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text(table(300, seed=1))
    data = sdk.push(tmp_path / "data", "tabular-data")
    run = train(
        api,
        "sklearn-tabular",
        [f"tabular-data:{data.name}"],
        "tabular-model",
        target="label",
        n_estimators=20,
    )
    assert run["status"] == "succeeded", run["error"]
    assert run["metrics"]["accuracy"] > 0.8  # a + b > 1 is easy to learn from a and b
    assert set(run["metrics"]) == {"accuracy", "f1"}
    assert run["logged_params"] == {"task": "classification"}
    version = sdk.show(run["output_version"])
    assert {f.path for f in sdk.ls(run["output_version"])} == {"model.joblib", "model.onnx", "model.json"}
    assert [(link.ref, link.role) for link in version.inputs] == [(f"tabular-data:{data.name}", "input")]
    assert version.metadata["run"]["recipe"] == "sklearn-tabular"
    assert version.metadata["run"]["params"]["target"] == "label"
    assert version.metadata["run"]["metrics"]["accuracy"] == run["metrics"]["accuracy"]
    model = version.metadata["model"]
    assert model["formats"] == ["joblib", "onnx"]
    assert model["signature"]["inputs"] == [{"name": "X", "type": "float32", "shape": [None, 3]}]
    assert [output["name"] for output in model["signature"]["outputs"]] == ["label", "probabilities"]


def test_sklearn_tabular_fails_naming_a_missing_target_column(
    api: httpx.Client, sdk: kamld.Client, tmp_path: Path
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text(table(50, seed=2))
    data = sdk.push(tmp_path / "data", "tabular-no-target")
    run = train(api, "sklearn-tabular", [f"tabular-no-target:{data.name}"], "no-target-model", target="price")
    assert run["status"] == "failed"
    assert "target column 'price' is not in train.csv" in run["error"]


def test_pytorch_image_trains_a_cnn_and_exports_onnx(
    api: httpx.Client, sdk: kamld.Client, tmp_path: Path
) -> None:
    data = sdk.push(image_folder(tmp_path), "torch-images")
    run = train(
        api, "pytorch-image", [f"torch-images:{data.name}=images"], "torch-model", epochs=3, image_size=16
    )
    assert run["status"] == "succeeded", run["error"]
    assert [p["step"] for p in api.get(f"/runs/{run['id']}/metrics").json()["series"]["loss"]] == [0, 1, 2]
    assert "accuracy" in run["metrics"]
    assert {f.path for f in sdk.ls(run["output_version"])} == {"model.pt", "model.onnx", "classes.json"}
    signature = sdk.show(run["output_version"]).metadata["model"]["signature"]
    assert signature["inputs"] == [{"name": "image", "type": "float32", "shape": ["batch", 3, 16, 16]}]
    assert signature["outputs"] == [{"name": "logits", "type": "float32", "shape": ["batch", 2]}]


def test_keras_image_trains_a_cnn_and_saves_keras(
    api: httpx.Client, sdk: kamld.Client, tmp_path: Path
) -> None:
    data = sdk.push(image_folder(tmp_path), "keras-images")
    run = train(
        api, "keras-image", [f"keras-images:{data.name}=images"], "keras-model", epochs=2, image_size=16
    )
    assert run["status"] == "succeeded", run["error"]
    assert {"loss", "accuracy", "test_accuracy"} <= set(run["metrics"])
    assert {f.path for f in sdk.ls(run["output_version"])} == {"model.keras", "classes.json"}
