"""ServiceClient against a real HTTP server: retries, backoff, Retry-After, identity, problem mapping."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from kamld_common.app import create_service_app
from kamld_common.errors import BadRequest, Invalid, NotFound, Unauthorized, Unavailable, UpstreamError
from kamld_common.http import CALLER_HEADER, ServiceClient, current_caller
from kamld_common.settings import ServiceSettings


def build_app(internal_token: str | None = None) -> FastAPI:
    """Routes that fail on purpose; ``hits`` counts what the server really received."""
    app = create_service_app(
        settings=ServiceSettings(service_name="client-demo", internal_token=internal_token),
        version="1.2.3",
        title="demo",
        description="demo",
    )
    hits: Counter[str] = Counter()
    app.state.hits = hits

    @app.api_route("/flaky/{key}", methods=["GET", "POST", "PUT"])
    async def flaky(
        key: str, failures: int = 1, status: int = 503, retry_after: str | None = None
    ) -> Response:
        hits[key] += 1
        if hits[key] <= failures:
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return Response(status_code=status, headers=headers)
        return PlainTextResponse(f"ok after {hits[key]}")

    @app.get("/hits/{key}")
    async def count(key: str) -> dict[str, int]:
        return {"hits": hits[key]}

    @app.get("/caller")
    async def caller(request: Request) -> dict[str, str | None]:
        return {"caller": request.headers.get(CALLER_HEADER)}

    @app.get("/widgets/{name}")
    async def widget(name: str) -> None:
        raise NotFound(f"widget {name!r} does not exist", code="widget_not_found", extra={"widget": name})

    @app.post("/widgets")
    async def create(request: Request) -> None:
        raise Invalid("name must be lower case", field=["body", "name"])

    @app.get("/plain-400")
    async def plain() -> Response:
        return PlainTextResponse("nope", status_code=400)

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    return app


class RecordingClient(ServiceClient):
    """Records every backoff decision (attempt, Retry-After seen, delay chosen)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.delays: list[tuple[int, str | None, float]] = []

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = super()._delay(attempt, retry_after)
        self.delays.append((attempt, retry_after, delay))
        return delay


def client(url: str, **kwargs) -> RecordingClient:
    kwargs.setdefault("backoff_s", 0.001)
    return RecordingClient(url, service="demo", user_agent="kamld-test/1", **kwargs)


@pytest.fixture
def base_url(serve) -> str:
    return serve(build_app())


async def hits(url: str, key: str) -> int:
    async with client(url) as probe:
        return (await probe.get(f"/hits/{key}")).json()["hits"]


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
async def test_get_is_retried_on_transient_statuses(base_url: str, status: int) -> None:
    async with client(base_url, retries=3) as c:
        response = await c.get(f"/flaky/get-{status}", params={"failures": 2, "status": status})
    assert response.text == "ok after 3"
    assert [attempt for attempt, _, _ in c.delays] == [0, 1]


async def test_backoff_grows_exponentially_with_jitter(base_url: str) -> None:
    async with client(base_url, retries=3, backoff_s=0.002) as c:
        await c.get("/flaky/backoff", params={"failures": 3})
    assert len(c.delays) == 3
    for attempt, _, delay in c.delays:
        assert 0.002 * 2**attempt * 0.5 <= delay <= 0.002 * 2**attempt * 1.5


async def test_retry_after_is_honoured(base_url: str) -> None:
    async with client(base_url, retries=2, backoff_s=0.5) as c:
        response = await c.get(
            "/flaky/retry-after", params={"failures": 1, "status": 429, "retry_after": "0"}
        )
    assert response.status_code == 200
    assert c.delays == [(0, "0", 0.0)]


def test_retry_after_is_capped_and_falls_back_to_backoff_when_not_a_number() -> None:
    c = ServiceClient("http://127.0.0.1:1", service="demo", user_agent="t", backoff_s=1.0)
    assert c._delay(0, "3") == 3.0
    assert c._delay(0, "3600") == 30.0
    assert 0.5 <= c._delay(0, "Wed, 21 Oct 2015 07:28:00 GMT") <= 1.5


async def test_post_is_not_retried(base_url: str) -> None:
    async with client(base_url, retries=3) as c:
        with pytest.raises(Unavailable):
            await c.post("/flaky/post-once", params={"failures": 1})
    assert c.delays == []
    assert await hits(base_url, "post-once") == 1


async def test_post_marked_retry_is_retried(base_url: str) -> None:
    async with client(base_url, retries=3) as c:
        response = await c.request("POST", "/flaky/post-retry", params={"failures": 1}, retry=True)
    assert response.status_code == 200
    assert await hits(base_url, "post-retry") == 2


async def test_gives_up_after_the_last_retry_with_the_answers_error(base_url: str) -> None:
    async with client(base_url, retries=2) as c:
        with pytest.raises(Unavailable):
            await c.get("/flaky/exhausted", params={"failures": 10})
    assert await hits(base_url, "exhausted") == 3


async def test_transport_errors_are_retried_then_unavailable_naming_the_service() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with client(f"http://127.0.0.1:{port}", retries=2) as c:
        with pytest.raises(Unavailable) as caught:
            await c.get("/anything")
    assert caught.value.code == "upstream_unavailable"
    assert caught.value.extra == {"service": "demo"}
    assert len(c.delays) == 2


async def test_problem_answers_become_the_same_error(base_url: str) -> None:
    async with client(base_url) as c:
        with pytest.raises(NotFound) as not_found:
            await c.get("/widgets/w1")
        with pytest.raises(Invalid) as invalid:
            await c.post("/widgets", json={})
    assert not_found.value.code == "widget_not_found"
    assert not_found.value.detail == "widget 'w1' does not exist"
    assert not_found.value.extra == {"widget": "w1"}
    assert invalid.value.status == 422
    assert invalid.value.extra["errors"][0]["loc"] == ["body", "name"]


async def test_non_problem_and_server_errors_are_mapped(base_url: str) -> None:
    async with client(base_url, retries=0) as c:
        with pytest.raises(BadRequest) as plain:
            await c.get("/plain-400")
        with pytest.raises(UpstreamError) as crash:
            await c.get("/crash")
    assert plain.value.detail == "demo answered HTTP 400"
    assert crash.value.status == 502


async def test_caller_identity_is_forwarded(base_url: str) -> None:
    token = current_caller.set("alice")
    try:
        async with client(base_url) as c:
            assert (await c.get("/caller")).json() == {"caller": "alice"}
    finally:
        current_caller.reset(token)
    async with client(base_url) as c:
        assert (await c.get("/caller")).json() == {"caller": None}


async def test_internal_token_is_required_when_configured(serve) -> None:
    url = serve(build_app(internal_token="s3cret"))
    async with client(url) as anonymous:
        with pytest.raises(Unauthorized) as refused:
            await anonymous.get("/caller")
        assert (await anonymous.get("/healthz")).status_code == 200
    assert refused.value.code == "internal_token_required"
    async with client(url, internal_token="s3cret") as trusted:
        assert (await trusted.get("/caller")).status_code == 200


async def _drop_first_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """The first connection is closed after its request, unanswered (a keep-alive connection the
    server closed as it was reused); later ones are answered."""
    await reader.readuntil(b"\r\n\r\n")
    _connections.append(writer)
    if len(_connections) > 1:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
    writer.close()


_connections: list[asyncio.StreamWriter] = []


@pytest.mark.parametrize("bulk", [False, True])
async def test_a_streamed_bodiless_get_is_retried_when_its_connection_breaks(bulk: bool) -> None:
    _connections.clear()
    server = await asyncio.start_server(_drop_first_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, client(f"http://127.0.0.1:{port}", retries=2, bulk=bulk) as c:
        response = await c.open_stream("GET", "/file")
        assert (response.status_code, await response.aread()) == (200, b"ok")
        await response.aclose()
    assert len(_connections) == 2


async def test_a_streamed_request_body_is_not_sent_twice() -> None:
    _connections.clear()
    server = await asyncio.start_server(_drop_first_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def body():
        yield b"once"

    async with server, client(f"http://127.0.0.1:{port}", retries=2, bulk=True) as c:
        with pytest.raises(Unavailable):
            await c.open_stream("PUT", "/file", content=body())
    assert len(_connections) == 1


async def test_a_header_value_http_cannot_carry_is_the_callers_mistake(base_url: str) -> None:
    async with client(base_url) as c:
        with pytest.raises(BadRequest) as caught:
            await c.open_stream("GET", "/caller", headers={"Range": "bytes=0-\xe9"})
    assert "Range" in str(caught.value)
