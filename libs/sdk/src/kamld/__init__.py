"""KAML-D client: ``kamld.Client`` for every catalog operation, ``kamld.open`` to read one file.

import kamld
client = kamld.Client()                      # KAMLD_URL / KAMLD_TOKEN or $KAMLD_HOME/config
version = client.push("./faces", "faces", message="more images", kind="dataset")
with kamld.open("faces:v3/train.csv") as f:
    header = f.readline()
with kamld.start_run(inputs=["faces:v3=train"], params={"lr": 0.1}) as run:
    run.log_metric("acc", 0.93, step=3)
    run.push_model("./out", "faces-model")
"""

from __future__ import annotations

import importlib
import io
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kamld import errors
    from kamld.client import Client
    from kamld.models import Alias, AliasEvent, AliasPolicy, Artifact, Diff, Event, FileInfo, Lineage, Version
    from kamld.tracking import TrackedRun, start_run

# Loaded on first use (PEP 562), so that ``import kamld.cli`` decides what the command line
# imports before the client's libraries (httpx, msgspec) are loaded.
_EXPORTS = {
    "errors": "kamld.errors",
    "Client": "kamld.client",
    "start_run": "kamld.tracking",
    "TrackedRun": "kamld.tracking",
    **dict.fromkeys(
        ["Alias", "AliasEvent", "AliasPolicy", "Artifact", "Diff", "Event", "FileInfo", "Lineage", "Version"],
        "kamld.models",
    ),
}


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'kamld' has no attribute {name!r}")
    module = importlib.import_module(module_name)
    value = module if module_name == f"kamld.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


def open(reference: str, *, client: Client | None = None) -> io.BufferedReader:  # noqa: A001 - mirrors builtins.open
    """Open ``NAME[:REF]/PATH`` for reading as a binary stream; use it with ``with``."""
    from kamld.client import Client
    from kamld.files import open_file

    if client is not None:
        return open_file(client, reference)
    owned = Client()
    try:
        return open_file(owned, reference, owns_client=True)
    except BaseException:
        owned.close()
        raise


__all__ = [
    "Alias",
    "AliasEvent",
    "AliasPolicy",
    "Artifact",
    "Client",
    "Diff",
    "Event",
    "FileInfo",
    "Lineage",
    "TrackedRun",
    "Version",
    "errors",
    "open",
    "start_run",
]
