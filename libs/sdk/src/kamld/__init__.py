"""KAML-D client: ``kamld.Client`` for every catalog operation, ``kamld.open`` to read one file.

import kamld
client = kamld.Client()                      # KAMLD_URL / KAMLD_TOKEN or $KAMLD_HOME/config
version = client.push("./faces", "faces", message="more images", kind="dataset")
with kamld.open("faces:v3/train.csv") as f:
    header = f.readline()
"""

from __future__ import annotations

import io

__version__ = "0.1.0"

from kamld import errors  # noqa: E402
from kamld.client import Client  # noqa: E402
from kamld.models import Alias, AliasEvent, Artifact, Diff, FileInfo, Lineage, Version  # noqa: E402


def open(reference: str, *, client: Client | None = None) -> io.BufferedReader:  # noqa: A001 - mirrors builtins.open
    """Open ``NAME[:REF]/PATH`` for reading as a binary stream; use it with ``with``."""
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
    "Artifact",
    "Client",
    "Diff",
    "FileInfo",
    "Lineage",
    "Version",
    "errors",
    "open",
]
