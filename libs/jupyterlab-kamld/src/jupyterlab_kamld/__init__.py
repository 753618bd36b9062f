"""KAML-D in JupyterLab: a server extension and the prebuilt labextension it ships with.

The server extension answers under the Jupyter server's base URL:

- ``kamld/api/...``: the gateway's public API (``/api/...``), called with the Jupyter server's
  own KAML-D credentials, so the browser holds no token and needs no CORS;
- ``kamld/jobs/push`` and ``kamld/jobs/pull``: pushes and pulls run by the SDK in the server
  process on the files under the Jupyter root, polled at ``kamld/jobs/{id}``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "@kamld/jupyterlab-kamld"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_kamld"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    # Imported here: ``jupyterlab_kamld.hub`` runs in JupyterHub, which need not have Jupyter Server.
    from jupyterlab_kamld.extension import load_extension

    load_extension(server_app)
