"""What kind of model a directory holds, and its signature where the format carries one.

Pushed with every ``model`` version (``metadata.model``), so ``kamld show`` and promotion checks
can tell an ONNX graph's inputs and outputs without loading any framework. ONNX files are read
with a small protobuf reader (no ``onnx`` package needed); the other formats are known by name.
"""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_FILES = 10_000

ONNX_TYPES = {
    1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string",
    9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64", 14: "complex64",
    15: "complex128", 16: "bfloat16",
}  # fmt: skip


def _varint(data: bytes, index: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        byte = data[index]
        index += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, index
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, Any]]:
    """(field number, value) of one protobuf message; length-delimited values as bytes."""
    index = 0
    while index < len(data):
        key, index = _varint(data, index)
        field, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, index = _varint(data, index)
        elif wire == 1:
            value, index = data[index : index + 8], index + 8
        elif wire == 2:
            length, index = _varint(data, index)
            value, index = data[index : index + length], index + length
        elif wire == 5:
            value, index = data[index : index + 4], index + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, value


def _tensor_type(data: bytes) -> dict[str, Any]:
    elem, shape = 0, None
    for field, value in _fields(data):
        if field == 1:
            elem = value
        elif field == 2:
            shape = []
            for dim_field, dim in _fields(value):
                if dim_field != 1:
                    continue
                size: int | str | None = None
                for part, part_value in _fields(dim):
                    size = part_value if part == 1 else part_value.decode() if part == 2 else size
                shape.append(size)
    return {"type": ONNX_TYPES.get(elem, f"onnx:{elem}"), "shape": shape}


def _value_info(data: bytes) -> dict[str, Any]:
    info: dict[str, Any] = {"name": "", "type": "unknown", "shape": None}
    for field, value in _fields(data):
        if field == 1:
            info["name"] = value.decode()
        elif field == 2:
            for kind, body in _fields(value):
                if kind == 1:
                    info.update(_tensor_type(body))
                elif kind == 4:
                    info["type"] = "sequence"
                elif kind == 5:
                    info["type"] = "map"
    return info


def onnx_signature(data: bytes) -> dict[str, list[dict[str, Any]]]:
    """Inputs and outputs (name, element type, shape; a dimension is a number, a name or null) of
    an ONNX model's graph; initializers listed as inputs (older exporters) are left out."""
    graph = next((value for field, value in _fields(data) if field == 7), b"")
    initializers: set[str] = set()
    inputs, outputs = [], []
    for field, value in _fields(graph):
        if field == 5:
            initializers.update(v.decode() for f, v in _fields(value) if f == 8)
        elif field == 11:
            inputs.append(_value_info(value))
        elif field == 12:
            outputs.append(_value_info(value))
    return {"inputs": [i for i in inputs if i["name"] not in initializers], "outputs": outputs}


def _safetensors(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        (length,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(min(length, 100 << 20)))
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    return {"tensors": len(tensors)}


def _format_of(path: Path, relative: str) -> str | None:
    name, suffix = path.name.lower(), path.suffix.lower()
    if suffix == ".onnx":
        return "onnx"
    if suffix in (".pt", ".pth"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return "pytorch"
        return "torchscript" if any(n.endswith("/constants.pkl") for n in names) else "pytorch"
    if suffix == ".keras":
        return "keras"
    if suffix in (".h5", ".hdf5"):
        return "keras-h5"
    if name == "saved_model.pb":
        return "tensorflow-savedmodel"
    if suffix == ".skops":
        return "sklearn-skops"
    if suffix == ".joblib":
        return "joblib"
    if suffix in (".pkl", ".pickle"):
        return "pickle"
    if suffix == ".safetensors":
        return "safetensors"
    return None


def detect(directory: Path) -> dict[str, Any] | None:
    """``{"files": [{path, format[, signature|tensors]}], "formats": [...], "signature": …}`` for the
    model files in ``directory`` (``signature``: the first ONNX file's); None when there are none."""
    found: list[dict[str, Any]] = []
    for count, path in enumerate(sorted(directory.rglob("*"))):
        if count > MAX_FILES:
            break
        relative = path.relative_to(directory).as_posix()
        if not path.is_file() or relative.startswith(".kamld"):
            continue
        kind = _format_of(path, relative)
        if kind is None:
            continue
        entry: dict[str, Any] = {"path": relative, "format": kind}
        try:
            if kind == "onnx":
                entry["signature"] = onnx_signature(path.read_bytes())
            elif kind == "safetensors":
                entry.update(_safetensors(path))
        except (ValueError, IndexError, OSError, UnicodeDecodeError, struct.error):
            entry["unreadable"] = True
        found.append(entry)
    if not found:
        return None
    model: dict[str, Any] = {"formats": sorted({e["format"] for e in found}), "files": found}
    signature = next((e["signature"] for e in found if "signature" in e), None)
    if signature is not None:
        model["signature"] = signature
    return model
