"""Requests that arrive on the S3 port go to the S3 endpoint; the others to the public API.

workbench-api listens on both ports with the same server processes (see
:func:`kamld_common.serve.serve`'s ``extra_ports``), so the endpoint shares the API's workers,
tokens and upstream clients. This is the outermost layer: S3 requests skip the API's own
authentication and limits, and are checked by SigV4 instead.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class S3PortDispatch:
    def __init__(self, app: ASGIApp, *, port: int, s3_app: ASGIApp) -> None:
        self.app, self.port, self.s3_app = app, port, s3_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope.get("server")
        if scope["type"] == "http" and server is not None and server[1] == self.port:
            await self.s3_app(scope, receive, send)
            return
        await self.app(scope, receive, send)
