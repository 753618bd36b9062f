"""``kamld.Client``: the Python face of the public API, returning typed objects.

Every method is one or a few calls to ``/api/v1``; errors come back as the typed exceptions of
:mod:`kamld.errors`. The URL and token default to ``KAMLD_URL`` / ``KAMLD_TOKEN`` over the config
file that ``kamld up`` writes.
"""

from __future__ import annotations

import itertools
import json
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from kamld import __version__
from kamld.config import load_config
from kamld.errors import InvalidInput, KamldClientError, NotFound, error_from_response, json_of
from kamld.events import sse_frames
from kamld.models import (
    Alias,
    AliasEvent,
    AliasPolicy,
    ApiModel,
    Artifact,
    CreatedToken,
    Diff,
    DiffPage,
    Event,
    FileChange,
    FileInfo,
    FileProfile,
    GcReport,
    Lineage,
    Page,
    PullResult,
    PushedVersion,
    Recall,
    Reindex,
    RowDiff,
    Run,
    SearchResults,
    Token,
    VerifyPage,
    Version,
    VersionCheck,
    VersionProfile,
    Webhook,
    WebhookDelivery,
    decode,
    page_type,
)
from kamld.references import Reference, check_artifact_name, parse_reference
from kamld.transport import DEFAULT_RETRY, RetryingClient, RetryPolicy, connection_failed

if TYPE_CHECKING:
    from kamld.transfer import TransferLimits

API = "/api/v1"
EXACT = {"Cache-Control": "no-cache"}
"""Sent with every resolution: a gateway may otherwise answer from a copy up to a second old, and a
script that moves an alias and then pulls it must get the version it just set."""
M = TypeVar("M", bound=ApiModel)
InputSpec = str | tuple[str, str]
ProgressCallback = Callable[[Any], None]
DEFAULT_INPUT_ROLE = "input"
DEFAULT_KIND = "dataset"
LOG_PAGE = 100
"""The most versions the API sends in one page of a log."""


def _input(spec: InputSpec) -> dict[str, str]:
    """``"faces:v3"`` or ``("faces:v3", "trained_on")`` as the API's ``{ref, role}``."""
    if isinstance(spec, str):
        return {"ref": spec, "role": DEFAULT_INPUT_ROLE}
    ref, role = spec
    return {"ref": ref, "role": role or DEFAULT_INPUT_ROLE}


def _naming(error: KamldClientError, what: str) -> KamldClientError:
    """The same error, its message led by the option or reference it is about."""
    return type(error)(f"{what}: {error.detail}", status=error.status, code=error.code, problem=error.problem)


def _given(**params: Any) -> dict[str, Any]:
    """Query parameters that were given (None leaves one out)."""
    return {key: value for key, value in params.items() if value is not None}


def _segment(value: str) -> str:
    """One URL path segment (refs may hold ':'; aliases and names never hold '/')."""
    _check_url_text(value, value in (".", ".."))
    return quote(value, safe="")


def _file_path(path: str) -> str:
    """A file path in a URL: its slashes stay, everything else is escaped."""
    _check_url_text(path, any(part in (".", "..") for part in path.split("/")))
    return quote(path, safe="/")


def _check_url_text(value: str, dot_segment: bool) -> None:
    """Refuse before sending what the server refuses: the HTTP client would resolve a '.' or '..'
    segment away (reaching another resource), and text that is not UTF-8 cannot be sent at all."""
    if dot_segment:
        raise InvalidInput(f"{value!r} has a '.' or '..' segment", code="invalid_path")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{value!r} is not valid UTF-8", code="invalid_path") from None


def tls_verification(url: str) -> ssl.SSLContext | bool:
    """Verified TLS for an ``https://`` platform; for a plain-HTTP one, a context that trusts no peer.

    Loading the CA bundle for verified TLS costs about 60 ms, paid by every command, and a
    plain-HTTP platform never uses it. The bare context refuses any TLS peer (it trusts no
    certificate) rather than accepting every one.
    """
    if urlsplit(url).scheme == "https":
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class Client:
    """A connection to a KAML-D platform.

    Failed calls that are safe to repeat are repeated as ``retry`` says (see :mod:`kamld.transport`);
    pushes and pulls follow the same policy.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        config = load_config()
        self.url = (url or config.url).rstrip("/")
        self.token = token if token is not None else config.token
        headers = {"User-Agent": f"kamld-python/{__version__}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.http = RetryingClient(
            base_url=self.url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
            verify=tls_verification(self.url),
            retry=retry,
        )

    # plumbing -----------------------------------------------------------------------------------

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request; raise the typed error of any 4xx/5xx answer."""
        with self._transport_errors():
            response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request and return its parsed JSON answer (:class:`UnexpectedAnswer` if it is none)."""
        return json_of(self.request(method, path, **kwargs))

    def stream(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Open a streamed response (the caller closes it); errors are raised like :meth:`request`."""
        with self._transport_errors():
            response = self.http.send(self.http.build_request(method, path, **kwargs), stream=True)
        if response.status_code >= 400:
            try:
                raise error_from_response(response)
            finally:
                response.close()
        return response

    def _get(self, model: type[M], path: str, **kwargs: Any) -> M:
        return model.from_api(self.call("GET", path, **kwargs))

    def _pages(self, model: type[M], path: str, params: Mapping[str, Any] | None = None) -> Iterator[M]:
        """Every item of a paged listing, fetching the next page only when iteration reaches it.

        The first page is fetched at once, so that an unknown name fails at the call, not at the
        first ``next()``. Iterate while the client is open.
        """
        query = dict(params or {})
        first = decode(page_type(model), self.call("GET", path, params=query))

        def items() -> Iterator[M]:
            page = first
            while True:
                yield from page.items
                if not page.next:
                    return
                query["after"] = page.next
                page = decode(page_type(model), self.call("GET", path, params=query))

        return items()

    @staticmethod
    def _version_path(ref: Reference) -> str:
        return f"{API}/artifacts/{_segment(ref.artifact)}/versions/{_segment(ref.ref)}"

    # artifacts and versions ---------------------------------------------------------------------

    def artifacts(
        self, *, kind: str | None = None, labels: Sequence[str] = (), include_archived: bool = False
    ) -> Iterator[Artifact]:
        """Artifacts sorted by name, optionally only one kind or those with ``KEY=VALUE`` labels.

        Paged lazily: each page is fetched when iteration reaches it (``list(...)`` for all at once).
        """
        params: dict[str, Any] = {"include_archived": include_archived, "label": list(labels)}
        if kind:
            params["kind"] = kind
        return self._pages(Artifact, f"{API}/artifacts", params)

    def artifact(self, name: str) -> Artifact:
        return self._get(Artifact, f"{API}/artifacts/{_segment(name)}")

    def create_artifact(
        self, name: str, kind: str, description: str = "", labels: Mapping[str, str] | None = None
    ) -> Artifact:
        body = {"name": name, "kind": kind, "description": description, "labels": dict(labels or {})}
        return Artifact.from_api(self.call("POST", f"{API}/artifacts", json=body))

    def log(self, name: str, *, limit: int | None = None) -> Iterator[Version]:
        """Versions of an artifact, newest first (at most ``limit``), paged lazily."""
        params = {"limit": min(max(limit, 1), LOG_PAGE)} if limit is not None else {}
        versions = self._pages(Version, f"{API}/artifacts/{_segment(name)}/versions", params)
        return versions if limit is None else itertools.islice(versions, max(limit, 0))

    def show(self, ref: str) -> Version:
        """One version, from ``NAME[:REF]``."""
        return self._get(Version, self._version_path(parse_reference(ref)), headers=EXACT)

    def profile(self, ref: str) -> VersionProfile | FileProfile:
        """A version's profile (``NAME[:REF]``: its tables and images), or one table's column
        statistics (``NAME[:REF]/PATH``)."""
        parsed = parse_reference(ref, allow_path=True)
        url = self._version_path(parsed) + "/profile"
        if parsed.path:
            return self._get(FileProfile, url, params={"path": parsed.path})
        return self._get(VersionProfile, url)

    def ls(self, ref: str, prefix: str | None = None) -> Iterator[FileInfo]:
        """Files of a version (``NAME[:REF][/FOLDER]``), sorted by path, paged lazily.

        FOLDER (or ``prefix``) matches whole path segments: ``img`` lists ``img/…`` (or the file
        ``img`` itself), never ``img2/…``; a FOLDER that matches nothing is :class:`NotFound`.
        """
        parsed = parse_reference(ref, allow_path=True)
        folder = (prefix or parsed.path or "").strip("/")
        files_path = self._version_path(parsed) + "/files"
        if not folder:
            return self._pages(FileInfo, files_path)
        in_folder = self._pages(FileInfo, files_path, {"prefix": folder + "/"})
        head = next(in_folder, None)  # from the page already fetched
        if head is not None:
            return itertools.chain([head], in_folder)
        first = decode(Page[FileInfo], self.call("GET", files_path, params={"prefix": folder, "limit": 1}))
        files = [f for f in first.items if f.path == folder]
        if not files:
            raise NotFound(
                f"{parsed.artifact}:{parsed.ref} has no file or folder {folder!r}",
                code="path_not_found",
                problem={"artifact": parsed.artifact, "ref": parsed.ref, "path": folder},
            )
        return iter(files)

    def diff(self, ref_a: str, ref_b: str) -> Diff:
        """Files added, removed and modified from ``ref_a`` to ``ref_b`` (two versions of one artifact)."""
        a, b = parse_reference(ref_a), parse_reference(ref_b)
        if b.artifact != a.artifact and ":" not in ref_b:
            b = Reference(artifact=a.artifact, ref=ref_b)
        if a.artifact != b.artifact:
            from kamld.errors import InvalidInput

            raise InvalidInput(
                f"diff compares versions of one artifact, not {a.artifact} and {b.artifact}",
                code="invalid_ref",
            )
        params: dict[str, Any] = {"from": a.ref, "to": b.ref}
        path = f"{API}/artifacts/{_segment(a.artifact)}/diff"
        first = page = DiffPage.from_api(self.call("GET", path, params=params))
        changes = list(first.changes)
        while page.next:
            page = DiffPage.from_api(self.call("GET", path, params={**params, "after": page.next}))
            changes.extend(page.changes)
        return Diff(from_version=first.from_version, to_version=first.to_version, changes=changes)

    def diff_rows(
        self,
        ref_a: str,
        ref_b: str,
        path: str,
        *,
        key: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> RowDiff:
        """One page of the rows of table ``path`` added, removed and changed from ``ref_a`` to
        ``ref_b`` (matched by ``key``, or whole rows), with the schema changes and total counts."""
        a, b = parse_reference(ref_a), parse_reference(ref_b)
        if b.artifact != a.artifact and ":" not in ref_b:
            b = Reference(artifact=a.artifact, ref=ref_b)
        if a.artifact != b.artifact:
            from kamld.errors import InvalidInput

            raise InvalidInput(
                f"diff compares versions of one artifact, not {a.artifact} and {b.artifact}",
                code="invalid_ref",
            )
        params: dict[str, Any] = {"from": a.ref, "to": b.ref, "path": path, "limit": limit}
        if key:
            params["key"] = key
        if after:
            params["after"] = after
        return self._get(RowDiff, f"{API}/artifacts/{_segment(a.artifact)}/diff/rows", params=params)

    def diff_directory(self, ref: str, directory: str | Path) -> list[FileChange]:
        """How ``directory`` differs from version ``ref`` (``NAME[:REF][/PATH]``), in path order:
        files ``added`` in the directory, ``removed`` from it, ``modified``.

        Files whose size and mtime match the directory's working-copy state are not read.
        """
        from kamld.transfer import compare, target_entries

        parsed = parse_reference(ref, allow_path=True)
        version = self.show(str(Reference(parsed.artifact, parsed.ref)))
        root = Path(directory)
        if not root.is_dir():
            from kamld.errors import InvalidInput

            raise InvalidInput(f"{directory} is not a directory", code="not_a_directory")
        with self._transport_errors():
            entries = list(target_entries(self.http, API, version.digest, parsed.path or ""))
        return [
            FileChange(
                change=change.change,
                path=change.path,
                old_size=change.version_file.size if change.version_file else None,
                new_size=change.local_size,
                old_digest=change.version_file.digest if change.version_file else None,
                new_digest=change.local_digest,
            )
            for change in compare(root, entries)
        ]

    def lineage(
        self, ref: str, *, direction: Literal["up", "down", "both"] = "up", depth: int = 10
    ) -> Lineage:
        """Where a version came from (``up``) or what was made from it (``down``)."""
        parsed = parse_reference(ref)
        params = {"direction": direction, "depth": depth}
        return self._get(Lineage, self._version_path(parsed) + "/lineage", params=params)

    # push and pull ----------------------------------------------------------------------------

    def push(
        self,
        directory: str | Path,
        name: str,
        message: str = "",
        *,
        kind: str | None = None,
        inputs: Sequence[InputSpec] = (),
        labels: Mapping[str, str] | None = None,
        description: str | None = None,
        expected_parent: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        allow_empty: bool = False,
        progress: ProgressCallback | None = None,
    ) -> PushedVersion:
        """Upload ``directory`` (only chunks the platform lacks) and record it as ``name``'s next version.

        ``inputs`` are refs of versions it was made from, as ``"faces:v3"`` or
        ``("faces:v3", "trained_on")``; ``kind`` names the artifact's kind on its first push (default
        ``dataset``); ``expected_parent`` refuses the push (409) unless that ref is still the newest
        version. ``labels`` and ``description`` are set on the artifact with the version (labels
        merge into an existing artifact's); ``metadata`` is the version's own JSON.

        Every reference and option is checked before anything is uploaded. Content equal to the
        newest version's records nothing: the answer is that version with ``unchanged`` true,
        unless ``allow_empty`` asks for a new version anyway. A ``model`` version records the
        formats of its model files and an ONNX signature in ``metadata.model`` (see
        :mod:`kamld.model_formats`) unless ``metadata`` has a ``model`` key already.
        """
        from kamld.push_options import check_kind, check_labels, check_metadata, check_text
        from kamld.transfer import Source, WorkingCopy, push_directory
        from kamld.transfer.workcopy import record_push

        check_artifact_name(name)
        if kind is not None:
            check_kind(kind)
        directory = Path(directory)
        if not directory.is_dir():
            from kamld.errors import InvalidInput

            raise InvalidInput(f"{directory} is not a directory", code="not_a_directory")
        body: dict[str, Any] = {
            "message": check_text(message, "message"),
            "metadata": check_metadata(metadata or {}),
        }
        if labels:
            body["labels"] = check_labels(labels)
        if description is not None:
            body["description"] = check_text(description, "description")
        if allow_empty:
            body["allow_empty"] = True
        if expected_parent and ":" in expected_parent:
            expected_parent = self._own_ref(expected_parent, name)
        artifact = self._push_target(name, kind, expected_parent)
        if artifact is None:
            body["kind"] = kind or DEFAULT_KIND
        elif kind:
            body["kind"] = kind
        if expected_parent:
            body["expected_parent"] = expected_parent
        body["inputs"] = [self._resolved_input(spec, name) for spec in inputs]
        is_model = (artifact.kind if artifact is not None else body.get("kind")) == "model"
        if is_model and "model" not in body["metadata"]:
            from kamld.model_formats import detect

            detected = detect(directory)
            if detected is not None:
                body["metadata"] = {**body["metadata"], "model": detected}
        with self._transport_errors():
            known = WorkingCopy.load(directory).files
            commit = push_directory(self.http, API, directory, progress=progress, known=known)
        answer = self.call(
            "POST", f"{API}/artifacts/{_segment(name)}/versions", json={**body, "digest": commit.digest}
        )
        pushed = decode(dict[str, Any], answer)
        record_push(directory, commit.files, Source(commit.digest, name, pushed.get("name")))
        return PushedVersion.from_api(
            {
                **pushed,
                "bytes_sent": commit.bytes_sent,
                "bytes_deduplicated": commit.bytes_deduplicated,
            }
        )

    def _push_target(self, name: str, kind: str | None, expected_parent: str | None) -> Artifact | None:
        """The artifact a push will add to (None: the push creates it), refused early where the
        catalog would refuse the version: archived, another kind, or not at ``expected_parent``."""
        from kamld.errors import Conflict, InvalidInput

        try:
            artifact = self.artifact(name)
        except NotFound as exc:
            if exc.code != "artifact_not_found":
                raise
            if expected_parent:
                raise _naming(exc, f"expected parent {expected_parent}") from None
            return None
        if artifact.archived:
            raise Conflict(
                f"artifact {name!r} is archived; restore it before pushing", code="artifact_archived"
            )
        if kind and kind != artifact.kind:
            raise Conflict(f"artifact {name!r} is a {artifact.kind}, not a {kind}", code="kind_mismatch")
        if expected_parent:
            try:
                expected = self.show(f"{name}:{expected_parent}")
            except (NotFound, Conflict, InvalidInput) as exc:
                raise _naming(exc, f"expected parent {expected_parent}") from None
            newest = artifact.latest.ref if artifact.latest else None
            if expected.ref != newest:
                raise Conflict(
                    f"{name} moved on: its newest version is {newest}, not {expected.ref}",
                    code="parent_mismatch",
                )
        return artifact

    @staticmethod
    def _own_ref(text: str, name: str) -> str:
        """``NAME:REF`` of this artifact as its ``REF``."""
        reference = parse_reference(text)
        if reference.artifact != name:
            from kamld.errors import InvalidInput

            raise InvalidInput(
                f"expected parent {text}: must be a version of {name}, not of {reference.artifact}",
                code="invalid_ref",
            )
        return reference.ref

    def _resolved_input(self, spec: InputSpec, name: str) -> dict[str, str]:
        """An input as the API's ``{ref, role}``, its ref resolved now to the version it names
        (``faces:production`` becomes ``faces:v3``), so the version records what was checked."""
        from kamld.errors import Conflict, InvalidInput
        from kamld.push_options import check_role

        link = _input(spec)
        check_role(link["role"], link["ref"])
        if parse_reference(link["ref"]).artifact == name:
            raise InvalidInput(
                f"input {link['ref']}: an input is a version of another artifact, not of {name}",
                code="invalid_input",
            )
        try:
            link["ref"] = self.show(link["ref"]).ref
        except (NotFound, Conflict, InvalidInput) as exc:
            raise _naming(exc, f"input {link['ref']}") from None
        return link

    def pull(
        self,
        ref: str,
        directory: str | Path,
        *,
        include: Sequence[str] = (),
        force: bool = False,
        progress: ProgressCallback | None = None,
        direct_writes: bool = True,
        limits: TransferLimits | None = None,
    ) -> PullResult:
        """Make ``directory`` exactly version ``ref`` (``NAME[:REF][/PATH]``: a folder's files, relative
        to it), or the files matching ``include`` globs, if given.

        The directory is a working copy (docs/working-copy.md): files already right are kept, a
        file held in another version downloads only the chunks it lacks, tracked files the version
        lacks are removed, untracked files are kept. A pull that would overwrite or remove a local
        change raises :class:`~kamld.errors.LocalChangesError` before writing anything, unless
        ``force``. Large files are written around the page cache unless ``direct_writes`` is false.
        """
        from kamld.transfer import DEFAULT_LIMITS, Source, pull_manifest

        parsed = parse_reference(ref, allow_path=True)
        version = self.show(str(Reference(parsed.artifact, parsed.ref)))
        folder = (parsed.path or "").strip("/")
        with self._transport_errors():
            result = pull_manifest(
                self.http,
                API,
                version.digest,
                directory,
                include,
                prefix=folder,
                force=force,
                source=Source(version.digest, version.artifact, version.name, folder),
                progress=progress,
                direct_writes=direct_writes,
                total_bytes=version.total_bytes,
                limits=limits or DEFAULT_LIMITS,
            )
        return PullResult(
            version=version,
            directory=str(Path(directory).resolve()),
            file_count=result.file_count,
            files_written=result.files_written,
            files_unchanged=result.files_skipped,
            files_removed=result.files_removed,
            bytes_downloaded=result.bytes_downloaded,
            bytes_reused=result.bytes_reused,
            untracked=result.untracked,
        )

    @contextmanager
    def _transport_errors(self) -> Iterator[None]:
        """A failed or broken connection, raised as :class:`~kamld.errors.ConnectionFailed`."""
        try:
            yield
        except httpx.TransportError as exc:
            hint = " (is `kamld up` running? is KAMLD_URL right?)"
            raise connection_failed(self.url, exc, hint=hint) from exc

    # runs ---------------------------------------------------------------------------------------

    def train(
        self,
        *,
        output: str | None,
        recipe: str | None = None,
        code: str | None = None,
        entrypoint: Sequence[str] | None = None,
        inputs: Sequence[str] = (),
        params: Mapping[str, Any] | None = None,
        name: str | None = None,
        executor: str = "local",
        resources: Mapping[str, Any] | None = None,
    ) -> Run:
        """Start a run: a built-in ``recipe``, or a ``code`` version with its ``entrypoint``. Each
        input (``NAME[:REF][=ROLE]``) is pinned to the exact version it names now."""
        body: dict[str, Any] = {"inputs": list(inputs), "params": dict(params or {}), "executor": executor}
        for key, value in (
            ("output", output), ("recipe", recipe), ("code", code), ("name", name),
            ("entrypoint", list(entrypoint) if entrypoint else None),
            ("resources", dict(resources) if resources else None),
        ):  # fmt: skip
            if value is not None:
                body[key] = value
        return Run.from_api(self.call("POST", f"{API}/runs", json=body))

    def runs(
        self,
        *,
        status: str | None = None,
        output: str | None = None,
        input: str | None = None,  # noqa: A002 - the API's name of the filter
        creator: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Run]:
        """Runs, newest first, paged lazily."""
        query = {"status": status, "output": output, "input": input, "creator": creator}
        params = {key: value for key, value in query.items() if value is not None}
        found = self._pages(Run, f"{API}/runs", params)
        return found if limit is None else itertools.islice(found, max(limit, 0))

    def run(self, run_id: str) -> Run:
        return self._get(Run, f"{API}/runs/{_segment(run_id)}")

    def run_metrics(self, run_id: str) -> dict[str, list[dict[str, Any]]]:
        """Each metric's points (``step``, ``value``, ``at``), ordered by step."""
        answer = self.call("GET", f"{API}/runs/{_segment(run_id)}/metrics")
        return dict(answer["series"])

    def run_logs(self, run_id: str, *, follow: bool = False, offset: int = 0) -> Iterator[bytes]:
        """The run's log from byte ``offset``; with ``follow``, until the run ends."""
        params = {"offset": offset, "follow": "true" if follow else "false"}
        timeout = httpx.Timeout(60.0, read=None) if follow else None
        extra = {"timeout": timeout} if timeout else {}
        response = self.stream("GET", f"{API}/runs/{_segment(run_id)}/logs", params=params, **extra)
        try:
            with self._transport_errors():
                yield from response.iter_raw()
        finally:
            response.close()

    def cancel_run(self, run_id: str) -> Run:
        return Run.from_api(self.call("POST", f"{API}/runs/{_segment(run_id)}/cancel"))

    def retry_run(self, run_id: str) -> Run:
        return Run.from_api(self.call("POST", f"{API}/runs/{_segment(run_id)}/retry"))

    # aliases ------------------------------------------------------------------------------------

    def aliases(self, name: str) -> list[Alias]:
        answer = self.call("GET", f"{API}/artifacts/{_segment(name)}/aliases")
        return decode(list[Alias], answer)

    def alias_set(
        self,
        name: str,
        alias: str,
        ref: str,
        *,
        expected_version: str | None = None,
        override_reason: str | None = None,
    ) -> Alias:
        """Point ``alias`` at ``ref``; with ``expected_version`` only if it still points there.

        When the alias has a promotion policy the version must pass it, else :class:`Conflict`
        with code ``promotion_refused`` and every reason in ``problem["reasons"]``; an admin may
        move anyway with ``override_reason``, which the alias history keeps.
        """
        target = parse_reference(ref) if ":" in ref else Reference(artifact=name, ref=ref)
        body: dict[str, Any] = {"version": target.ref}
        if expected_version is not None:
            body["expected_version"] = expected_version
        if override_reason is not None:
            body["override_reason"] = override_reason
        path = f"{API}/artifacts/{_segment(name)}/aliases/{_segment(alias)}"
        return Alias.from_api(self.call("PUT", path, json=body))

    def alias_delete(self, name: str, alias: str) -> None:
        self.request("DELETE", f"{API}/artifacts/{_segment(name)}/aliases/{_segment(alias)}")

    def alias_policy(self, name: str, alias: str) -> AliasPolicy:
        """The promotion policy of ``alias`` (:class:`NotFound` ``policy_not_found`` when it has none)."""
        path = f"{API}/artifacts/{_segment(name)}/aliases/{_segment(alias)}/policy"
        return decode(AliasPolicy, self.call("GET", path))

    def alias_policy_set(self, name: str, alias: str, rules: Sequence[Mapping[str, Any]]) -> AliasPolicy:
        """Replace the rules every later move of ``alias`` must pass (admin), e.g.
        ``[{"rule": "metric_not_worse", "metric": "accuracy"}, {"rule": "signature_matches_inputs"}]``."""
        path = f"{API}/artifacts/{_segment(name)}/aliases/{_segment(alias)}/policy"
        return decode(AliasPolicy, self.call("PUT", path, json={"rules": [dict(rule) for rule in rules]}))

    def alias_policy_delete(self, name: str, alias: str) -> None:
        """Remove the promotion policy of ``alias`` (admin): it moves freely again."""
        self.request("DELETE", f"{API}/artifacts/{_segment(name)}/aliases/{_segment(alias)}/policy")

    def alias_history(self, name: str, alias: str) -> Iterator[AliasEvent]:
        """Every move of an alias, newest first, paged lazily."""
        path = f"{API}/artifacts/{_segment(name)}/aliases/{_segment(alias)}/history"
        return self._pages(AliasEvent, path)

    # events -------------------------------------------------------------------------------------

    def events(
        self,
        *,
        type: str | None = None,
        artifact: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        limit: int = 100,
    ) -> Iterator[Event]:
        """The activity feed, newest first, filtered, paged lazily."""
        params = _given(type=type, artifact=artifact, actor=actor, since=since, limit=limit)
        return self._pages(Event, f"{API}/events", params)

    def follow_events(
        self,
        *,
        type: str | None = None,
        artifact: str | None = None,
        actor: str | None = None,
        after: int | None = None,
    ) -> Iterator[Event]:
        """Each new event as it is recorded (after ``after`` when given), reconnecting where the
        stream stopped if the connection drops; iterate while the client is open."""
        params = _given(type=type, artifact=artifact, actor=actor)
        position = after
        while True:
            query = {**params, **({"start_after": position} if position is not None else {})}
            response = self.stream(
                "GET", f"{API}/events/stream", params=query, timeout=httpx.Timeout(10.0, read=None)
            )
            try:
                for event_id, data in sse_frames(response.iter_lines()):
                    event = decode(Event, msgspec.json.decode(data))
                    position = int(event_id) if event_id else event.id
                    yield event
            except httpx.TransportError:
                pass
            finally:
                response.close()

    # webhooks -----------------------------------------------------------------------------------

    def webhook_add(self, url: str, *, types: Sequence[str] = (), artifacts: Sequence[str] = ()) -> Webhook:
        """Subscribe ``url`` to events (admin); the answer's ``secret`` signs every delivery."""
        body = {"url": url, "types": list(types), "artifacts": list(artifacts)}
        return self._get_post(Webhook, f"{API}/webhooks", body)

    def webhooks(self) -> list[Webhook]:
        return decode(list[Webhook], self.call("GET", f"{API}/webhooks"))

    def webhook_remove(self, webhook_id: int) -> None:
        self.request("DELETE", f"{API}/webhooks/{int(webhook_id)}")

    def webhook_deliveries(self, webhook_id: int, *, status: str | None = None) -> Iterator[WebhookDelivery]:
        """A webhook's delivery log, newest first, paged lazily."""
        return self._pages(
            WebhookDelivery, f"{API}/webhooks/{int(webhook_id)}/deliveries", _given(status=status)
        )

    def _get_post(self, model: type[M], path: str, body: Any) -> M:
        return decode(model, self.call("POST", path, json=body))

    # tokens -------------------------------------------------------------------------------------

    def tokens(self) -> list[Token]:
        return decode(list[Token], self.call("GET", f"{API}/tokens"))

    def token_create(
        self, name: str, role: Literal["viewer", "editor", "admin"], *, s3: bool = False
    ) -> CreatedToken:
        """A new token; with ``s3`` it also gets an S3 access key (``s3_access_key_id``,
        ``s3_secret_access_key``) for the S3-compatible endpoint."""
        answer = self.request("POST", f"{API}/tokens", json={"name": name, "role": role, "s3": s3})
        return CreatedToken.from_api(json_of(answer))

    def token_revoke(self, name: str) -> None:
        self.request("DELETE", f"{API}/tokens/{_segment(name)}")

    # maintenance --------------------------------------------------------------------------------

    def gc(self, *, dry_run: bool = True, grace_s: int | None = None) -> GcReport:
        """Collect unreferenced content older than the grace period (admin); a dry run only counts it."""
        params: dict[str, Any] = {"dry_run": "true" if dry_run else "false"}
        if grace_s is not None:
            params["grace_s"] = grace_s
        answer = self.request("POST", f"{API}/gc", params=params, timeout=httpx.Timeout(600.0, connect=10.0))
        return GcReport.from_api(json_of(answer))

    def verify_page(
        self,
        artifact: str | None = None,
        ref: str | None = None,
        *,
        after: str | None = None,
        limit: int = 20,
    ) -> VerifyPage:
        """One page of the consistency check (admin): versions whose chunks or manifests are missing."""
        params: dict[str, Any] = {"limit": limit}
        if artifact is not None:
            params["artifact"] = artifact
        if ref is not None:
            params["ref"] = ref
        if after is not None:
            params["after"] = after
        answer = self.request(
            "GET", f"{API}/verify", params=params, timeout=httpx.Timeout(600.0, connect=10.0)
        )
        return VerifyPage.from_api(json_of(answer))

    def verify(self, artifact: str | None = None, ref: str | None = None) -> Iterator[VersionCheck]:
        """Every version the check covers (admin), page by page: all, ``artifact``'s, or one."""
        after: str | None = None
        while True:
            page = self.verify_page(artifact, ref, after=after)
            yield from page.items
            if not page.next:
                return
            after = page.next

    # search ----------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        kind: str | None = None,
        labels: Sequence[str] = (),
        types: Sequence[str] = (),
        after: str | None = None,
        limit: int = 20,
    ) -> SearchResults:
        """One page of ranked hits for ``query`` (words, "phrases", -excluded, a OR b, prefix*)."""
        params: dict[str, Any] = {"q": query, "limit": limit}
        if kind:
            params["kind"] = kind
        if labels:
            params["label"] = list(labels)
        if types:
            params["type"] = list(types)
        if after:
            params["after"] = after
        return self._get(SearchResults, f"{API}/search", params=params)

    def recall(self, ref: str | None = None, *, digest: str | None = None) -> Recall:
        """Every version holding a file's exact content (by ``NAME[:REF]/PATH`` or ``blake3:…``
        digest), every version made from those, and every alias on one of them now."""
        params = {"digest": digest} if digest else {"ref": ref}
        return self._get(Recall, f"{API}/recall", params=params)

    def reindex(self) -> Reindex:
        """Queue a rebuild of the search index from the catalog (admin)."""
        return Reindex.from_api(self.call("POST", f"{API}/search/reindex"))

    # artifacts: description, labels, archive; file contents ---------------------------------------

    def update_artifact(
        self,
        name: str,
        *,
        description: str | None = None,
        labels: Mapping[str, str | None] | None = None,
    ) -> Artifact:
        """Change the description and labels of ``name`` (a label set to None is removed)."""
        body: dict[str, Any] = {}
        if description is not None:
            body["description"] = description
        if labels:
            body["labels"] = dict(labels)
        return Artifact.from_api(self.call("PATCH", f"{API}/artifacts/{_segment(name)}", json=body))

    def archive(self, name: str) -> Artifact:
        """Hide ``name`` from listings and refuse new versions; its versions stay readable (admin)."""
        return Artifact.from_api(self.call("POST", f"{API}/artifacts/{_segment(name)}/archive"))

    def unarchive(self, name: str) -> Artifact:
        """Undo :meth:`archive` (admin)."""
        return Artifact.from_api(self.call("POST", f"{API}/artifacts/{_segment(name)}/unarchive"))

    def split(
        self,
        ref: str,
        *,
        test: float,
        val: float = 0.0,
        seed: int = 0,
        output: str | None = None,
        tables: Sequence[str] | None = None,
        stratify: str | None = None,
    ) -> PushedVersion:
        """A version of ``output`` (default ``NAME-split``) with ``train/``, ``test/`` (and ``val/``).

        Files are split whole by a seeded shuffle of the path-sorted files: storage-gateway stages
        their manifest entries, which name the existing chunks, so no byte is uploaded. The files of
        ``tables`` (paths of table files; by default the one file of a version holding a single
        table) are split by rows instead: storage-gateway writes each part (``PART/PATH``),
        stratified by the column ``stratify`` when given. The source version is the input, role
        ``split_of``."""
        from kamld import derive
        from kamld.errors import InvalidInput

        derive.check_split(test, val)
        source = self.show(ref)
        if tables is None:
            only = derive.only_file(self, source) if source.file_count == 1 else None
            tables = [only] if only is not None and derive.is_table(only) else []
        tables = list(dict.fromkeys(tables))
        for path in tables:
            if not derive.has_file(self, source, path):
                raise InvalidInput(f"--table {path!r}: no such file in {source.ref}", code="file_not_found")
        if stratify is not None and not tables:
            raise InvalidInput("--stratify needs a table split by rows (--table PATH)", code="invalid_split")
        session = derive.open_session(self)
        rows: dict[str, dict[str, int]] = {}
        for path in tables:
            answer = derive.split_table(
                self, session, f"{source.ref}/{path}", test=test, val=val, seed=seed, stratify=stratify
            )
            rows[path] = {part["part"]: part["rows"] for part in answer["parts"]}
        counts = derive.split_files(self, session, source.ref, test=test, val=val, seed=seed, exclude=tables)
        target = output or f"{source.artifact}-split"
        described = [f"{k} {v}" for k, v in counts.items()] + [
            f"{path} rows " + "/".join(str(n) for n in split.values()) for path, split in rows.items()
        ]
        message = f"split of {source.ref}: " + ", ".join(described) + f" (seed {seed})"
        metadata: dict[str, Any] = {
            "split": {"source": source.ref, "seed": seed, "test": test, "val": val, "counts": counts}
        }
        if rows:
            metadata["split"]["rows"] = rows
            if stratify is not None:
                metadata["split"]["stratify"] = stratify
        return self._record(
            target, derive.commit(self, [], session), message, metadata, [(source.ref, "split_of")]
        )

    def compose(self, name: str, sources: Sequence[str], message: str = "") -> PushedVersion:
        """A version of ``name`` made of the files matching each ``NAME[:REF]/GLOB`` of ``sources``
        (paths kept), without uploading a byte; the versions read are its inputs (``composed_from``)."""
        from kamld import derive
        from kamld.errors import InvalidInput

        chosen: dict[str, tuple[str, derive.Entry]] = {}
        inputs: list[tuple[str, str]] = []
        for spec in sources:
            parsed = parse_reference(spec, allow_path=True)
            version = self.show(f"{parsed.artifact}:{parsed.ref}")
            pattern = derive.glob_pattern(parsed.path or "**")
            matched = [e for e in derive.manifest_entries(self, version.digest) if pattern.fullmatch(e.path)]
            if not matched:
                raise InvalidInput(
                    f"--from {spec!r} matches no file of {version.ref}", code="no_files_matched"
                )
            for entry in matched:
                if entry.path in chosen and chosen[entry.path][1].fields["digest"] != entry.fields["digest"]:
                    raise InvalidInput(
                        f"{entry.path!r} is in both {chosen[entry.path][0]} and {version.ref} "
                        "with different content",
                        code="path_clash",
                    )
                chosen[entry.path] = (version.ref, entry)
            if version.ref not in [ref for ref, _ in inputs]:
                inputs.append((version.ref, derive.COMPOSE_ROLE))
        digest = derive.commit(self, [entry for _, entry in chosen.values()])
        text = message or "composed from " + ", ".join(sources)
        return self._record(name, digest, text, {"composed_from": list(sources)}, inputs)

    def _record(
        self,
        name: str,
        digest: str,
        message: str,
        metadata: dict[str, Any],
        inputs: Sequence[tuple[str, str]],
    ) -> PushedVersion:
        """Record a committed manifest as ``name``'s next version (creating a dataset artifact)."""
        check_artifact_name(name)
        body: dict[str, Any] = {
            "digest": digest,
            "message": message,
            "metadata": metadata,
            "inputs": [self._resolved_input(spec, name) for spec in inputs],
        }
        if self._push_target(name, None, None) is None:
            body["kind"] = DEFAULT_KIND
        answer = self.call("POST", f"{API}/artifacts/{_segment(name)}/versions", json=body)
        return PushedVersion.from_api({**answer, "bytes_sent": 0, "bytes_deduplicated": 0})

    def query(self, sql: str, *, limit: int = 100, after: str | None = None) -> dict[str, Any]:
        """One page of a query's rows: ``{"engine", "versions", "columns", "items", "next"}``; pass
        ``next`` back as ``after`` (with the same SQL) for the following page, which reads the same
        versions."""
        body = {"sql": sql, "format": "json", "limit": limit, "after": after}
        answer: dict[str, Any] = self.call("POST", f"{API}/query", json=body)
        return answer

    def query_rows(self, sql: str, *, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        """Every row of a query, a page at a time."""
        after: str | None = None
        while True:
            page = self.query(sql, limit=page_size, after=after)
            yield from page["items"]
            if not (after := page["next"]):
                return

    def query_file(
        self, sql: str, format: Literal["arrow", "csv", "parquet"]
    ) -> tuple[bytes, list[dict[str, Any]]]:
        """Every row of a query (up to the platform's row limit) as Arrow IPC, CSV or Parquet bytes,
        and the versions it read."""
        response = self.request("POST", f"{API}/query", json={"sql": sql, "format": format})
        return response.content, json.loads(response.headers.get("x-kamld-query-versions", "[]"))

    @contextmanager
    def read_file(self, reference: str, chunk_size: int = 1 << 20) -> Iterator[Iterator[bytes]]:
        """The bytes of ``NAME[:REF]/PATH`` as they arrive, in one streamed request::

            with client.read_file("faces:v3/labels.csv") as chunks:
                for chunk in chunks: ...

        The bytes are hashed on the way: when they do not match the file's digest, the last
        iteration raises :class:`IntegrityError` (after the bytes before it were handed out).
        """
        parsed = parse_reference(reference, allow_path=True)
        if not parsed.path:
            raise InvalidInput(f"{reference!r} names no file: use NAME[:REF]/PATH", code="invalid_ref")
        path = f"{self._version_path(parsed)}/files/{_file_path(parsed.path)}"
        response = self.stream("GET", path, headers=EXACT)
        try:
            with self._transport_errors():
                yield _verified(response, str(parsed), chunk_size)
        finally:
            response.close()


def _verified(response: httpx.Response, name: str, chunk_size: int) -> Iterator[bytes]:
    """``response``'s body, checked at its end against the digest its ``ETag`` names."""
    from kamld.errors import IntegrityError
    from kamld_content.hashing import Hasher

    expected = response.headers.get("ETag", "").strip('"')
    hasher = Hasher()
    for chunk in response.iter_bytes(chunk_size):
        hasher.update(chunk)
        yield chunk
    if expected.startswith("blake3:") and hasher.digest() != expected:
        raise IntegrityError(
            f"{name}: the bytes received hash to {hasher.digest()}, not {expected}", code="digest_mismatch"
        )
