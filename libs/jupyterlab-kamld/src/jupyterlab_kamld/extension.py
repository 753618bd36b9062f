"""The Jupyter server extension: the gateway proxy and the push and pull jobs, as Tornado handlers.

Every handler is a Jupyter ``APIHandler``: the caller must be signed in to Jupyter, and unsafe
methods need Jupyter's XSRF token (or a token in the Authorization header), as for Jupyter's own API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from jupyterlab_kamld.jobs import Jobs
from jupyterlab_kamld.paths import inside_root
from jupyterlab_kamld.problems import PROBLEM_JSON, Problem, problem
from kamld.config import load_config
from kamld.errors import KamldClientError
from kamld.references import check_artifact_name, parse_reference

FORWARDED_REQUEST_HEADERS = (
    "Accept",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Range",
    "Idempotency-Key",
)
FORWARDED_RESPONSE_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Range",
    "ETag",
    "Last-Modified",
    "Link",
    "Retry-After",
    "Accept-Ranges",
)
PROXY_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class ProblemHandler(APIHandler):
    """Answers its errors as problem details instead of Jupyter's ``{"message": ...}``."""

    def write_problem(self, body: dict[str, Any]) -> None:
        self.set_status(int(body.get("status", 500)))
        self.finish(json.dumps(body), set_content_type=PROBLEM_JSON)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, Problem):
            self.write_problem(error.body())
            return
        detail = error.log_message if isinstance(error, web.HTTPError) and error.log_message else None
        self.write_problem(problem(status_code, f"http_{status_code}", detail or self._reason))

    def json_body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise Problem(400, "invalid_json", "the request body is not JSON") from None
        if not isinstance(body, dict):
            raise Problem(422, "invalid_body", "the request body must be a JSON object", field="")
        return body

    @property
    def root(self) -> Path:
        return Path(self.settings["kamld_root"])

    @property
    def jobs(self) -> Jobs:
        jobs: Jobs = self.settings["kamld_jobs"]
        return jobs


class GatewayProxyHandler(ProblemHandler):
    """``kamld/api/PATH`` → the gateway's ``/api/PATH``, with this server's token, streamed back."""

    async def _proxy(self, path: str) -> None:
        config = load_config()
        url = f"{config.url}/api/{path}"
        headers = {
            name: self.request.headers[name]
            for name in FORWARDED_REQUEST_HEADERS
            if name in self.request.headers
        }
        if config.token:
            headers["Authorization"] = f"Bearer {config.token}"
        client: httpx.AsyncClient = self.settings["kamld_http"]
        request = client.build_request(
            self.request.method or "GET",
            url,
            params=list(self._query()),
            headers=headers,
            content=self.request.body or None,
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise Problem(
                504, "gateway_timeout", f"the KAML-D gateway at {config.url} did not answer: {exc}"
            ) from None
        except httpx.TransportError as exc:
            raise Problem(
                502, "gateway_unreachable", f"cannot reach the KAML-D gateway at {config.url}: {exc}"
            ) from None
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        try:
            self.set_status(response.status_code, response.reason_phrase or None)
            for name in FORWARDED_RESPONSE_HEADERS:
                if name in response.headers:
                    self.set_header(name, response.headers[name])
            async for chunk in response.aiter_raw():
                self.write(chunk)
                await self.flush()
        finally:
            await response.aclose()
        self.finish(set_content_type=content_type)

    def _query(self) -> list[tuple[str, str]]:
        return [
            (name, value.decode())
            for name, values in self.request.query_arguments.items()
            for value in values
        ]

    @web.authenticated
    async def get(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    async def head(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    async def post(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    async def put(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    async def patch(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    async def delete(self, path: str) -> None:
        await self._proxy(path)


def _text(body: dict[str, Any], name: str, *, required: bool = False, default: str = "") -> str:
    value = body.get(name, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        raise Problem(422, "invalid_field", f"{name} must be a string", field=name)
    if required and not value.strip():
        raise Problem(422, "missing_field", f"{name} is required", field=name)
    return value.strip() if name != "message" else value


def _inputs(body: dict[str, Any]) -> list[tuple[str, str]]:
    value = body.get("inputs") or []
    if not isinstance(value, list):
        raise Problem(422, "invalid_field", "inputs must be a list of {ref, role}", field="inputs")
    inputs: list[tuple[str, str]] = []
    for item in value:
        ref = item.get("ref") if isinstance(item, dict) else item
        role = (item.get("role") if isinstance(item, dict) else None) or "input"
        if not isinstance(ref, str) or not isinstance(role, str) or not ref.strip():
            raise Problem(422, "invalid_field", "each input needs a ref such as faces:v3", field="inputs")
        _reference(ref.strip(), "inputs")
        inputs.append((ref.strip(), role.strip()))
    return inputs


def _reference(text: str, field: str, *, allow_path: bool = False) -> None:
    try:
        parse_reference(text, allow_path=allow_path)
    except KamldClientError as exc:
        raise Problem(422, exc.code, f"{field}: {exc.detail}", field=field) from None


class PushHandler(ProblemHandler):
    """Start pushing a folder under the Jupyter root as a new version; answers the job (202)."""

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        relative = _text(body, "path")
        directory = inside_root(self.root, relative, "path")
        if not directory.is_dir():
            raise Problem(422, "not_a_directory", f"path {relative!r} is not a folder", field="path")
        name = _text(body, "name", required=True)
        try:
            check_artifact_name(name)
        except KamldClientError as exc:
            raise Problem(422, exc.code, exc.detail, field="name") from None
        kind = _text(body, "kind") or None
        job = self.jobs.push(directory, relative, name, _text(body, "message"), kind, _inputs(body))
        self._answer(job.snapshot())

    def _answer(self, snapshot: dict[str, Any]) -> None:
        self.set_status(202)
        self.set_header("Location", url_path_join(self.base_url, "kamld", "jobs", snapshot["id"]))
        self.finish(json.dumps(snapshot))


class PullHandler(PushHandler):
    """Start pulling a version into a folder under the Jupyter root; answers the job (202)."""

    @web.authenticated
    async def post(self) -> None:
        body = self.json_body()
        reference = _text(body, "ref", required=True)
        _reference(reference, "ref", allow_path=True)
        relative = _text(body, "path")
        directory = inside_root(self.root, relative, "path")
        if directory.exists() and not directory.is_dir():
            raise Problem(422, "not_a_directory", f"path {relative!r} is not a folder", field="path")
        force = body.get("force", False)
        if not isinstance(force, bool):
            raise Problem(422, "invalid_field", "force must be true or false", field="force")
        job = self.jobs.pull(reference, directory, relative, force)
        self._answer(job.snapshot())


class JobHandler(ProblemHandler):
    """Where a push or pull stands: its progress, then its result or its problem."""

    @web.authenticated
    async def get(self, job_id: str) -> None:
        job = self.jobs.get(job_id)
        if job is None:
            raise Problem(404, "job_not_found", f"no job {job_id} (jobs live as long as the Jupyter server)")
        self.finish(json.dumps(job.snapshot()))


def load_extension(server_app: Any) -> None:
    """Register the handlers under the server's base URL."""
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    root = getattr(server_app.contents_manager, "root_dir", None) or server_app.root_dir
    web_app.settings["kamld_root"] = str(Path(root).resolve())
    web_app.settings["kamld_jobs"] = Jobs()
    web_app.settings["kamld_http"] = httpx.AsyncClient(timeout=PROXY_TIMEOUT)

    def route(*parts: str) -> str:
        return str(url_path_join(base_url, "kamld", *parts))

    web_app.add_handlers(
        ".*$",
        [
            (route("api", "(.*)"), GatewayProxyHandler),
            (route("jobs", "push"), PushHandler),
            (route("jobs", "pull"), PullHandler),
            (route("jobs", "([0-9a-f]+)"), JobHandler),
        ],
    )
    server_app.log.info("KAML-D extension: gateway proxy and push/pull jobs at %s", route(""))
