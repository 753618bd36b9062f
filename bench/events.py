"""The activity feed: ingestion rate, the outbox's cost on a push commit, and 10,000 mutations
with observation-hub SIGKILLed under them.

1. **Ingestion**: observation-hub of a fresh ``kamld up`` (SQLite) is sent 10,000 events in
   batches of 500 (as a producer's relay sends them); the baseline, in the same run, is 500 events
   sent one request each.
2. **Outbox cost**: metadata-hub's push commit (``VersionService.create``) run in-process on a
   SQLite database, alternately with the outbox and with event recording left out, 300 times
   each; the difference of the medians is what the outbox adds to a commit.
3. **Webhook**: a receiver down for 60 s while 1,000 alias moves happen; the time from its return
   until it has every one, and whether each artifact's arrived in order.
4. **Kill**: 10,000 alias moves over 24 artifacts from 8 writers straight to metadata-hub while
   observation-hub is SIGKILLed three times; then the time until the feed holds every event, and
   a check that it holds each exactly once, in each artifact's order.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import statistics
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from kamld_testing.platform import clean_environment, launch_platform, stop_platform

BATCH = 500


def _event(n: int, artifact: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": "alias.set",
        "actor": "bench",
        "subject": f"{artifact}@prod",
        "artifact": artifact,
        "after": {"version": f"{artifact}:v{n}"},
        "occurred_at": datetime.now(UTC).isoformat(),
    }


def bench_ingest(hub: httpx.Client, total: int = 10_000) -> None:
    singles = 500
    started = time.perf_counter()
    for n in range(singles):
        hub.post("/events", json=_event(n, "bench-single")).raise_for_status()
    single_rate = singles / (time.perf_counter() - started)
    events = [_event(n, f"bench-{n % 50}") for n in range(total)]
    started = time.perf_counter()
    for offset in range(0, total, BATCH):
        hub.post("/events/batch", json={"events": events[offset : offset + BATCH]}).raise_for_status()
    batch_rate = total / (time.perf_counter() - started)
    again = hub.post("/events/batch", json={"events": events[:BATCH]}).json()
    print(
        f"[events] ingestion: {batch_rate:,.0f} events/s in batches of {BATCH} "
        f"(target >= 1,000/s), {single_rate:,.0f} events/s one per request "
        f"(batches are {batch_rate / single_rate:.1f}x); a batch sent again: {again}",
        flush=True,
    )


async def _commit_times(work: Path, rounds: int) -> tuple[list[float], list[float]]:
    from kamld_common.db import Database
    from kamld_metadata_hub.app import MIGRATIONS
    from kamld_metadata_hub.events import emit
    from kamld_metadata_hub.versions.schemas import VersionCreate
    from kamld_metadata_hub.versions.service import VersionService

    async def no_events(session: object, draft: object) -> None:
        return None

    path = work / f"outbox-{secrets.token_hex(4)}.sqlite3"
    database = Database(f"sqlite+aiosqlite:///{path}", MIGRATIONS)
    await database.migrate()
    with_outbox, without = VersionService(database, emit=emit), VersionService(database, emit=no_events)
    timings: dict[bool, list[float]] = {True: [], False: []}
    for n in range(rounds * 2):
        outbox = n % 2 == 0
        body = VersionCreate(
            digest="blake3:" + secrets.token_hex(32), file_count=1, total_bytes=1, kind="dataset"
        )
        started = time.perf_counter()
        await (with_outbox if outbox else without).create(f"a{n % 10}", body, "bench")
        timings[outbox].append(time.perf_counter() - started)
    await database.dispose()
    path.unlink(missing_ok=True)
    return timings[True], timings[False]


def bench_outbox_cost(work: Path, rounds: int = 300) -> None:
    with_outbox, without = asyncio.run(_commit_times(work, rounds))
    added_ms = (statistics.median(with_outbox) - statistics.median(without)) * 1000
    print(
        f"[events] push commit (metadata-hub, SQLite, {rounds} each): median "
        f"{statistics.median(with_outbox) * 1000:.2f} ms with the outbox, "
        f"{statistics.median(without) * 1000:.2f} ms without: the outbox adds {added_ms:.2f} ms "
        f"(target < 2 ms; ratio {statistics.median(with_outbox) / statistics.median(without):.2f}x)",
        flush=True,
    )


def _feed_of(gateway: str, auth: dict, artifact: str) -> list[dict]:
    items: list[dict] = []
    query: dict[str, str | int] = {"artifact": artifact, "limit": 500}
    while True:
        body = httpx.get(gateway + "/api/v1/events", params=query, headers=auth, timeout=60).json()
        items.extend(body["items"])
        if not body["next"]:
            return list(reversed(items))
        query["after"] = body["next"]


def bench_kill(
    platform, mutations: int = 10_000, artifacts: int = 24, writers: int = 8, kills: int = 3
) -> None:
    meta = httpx.Client(base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=60)
    names = [f"kill-{n}" for n in range(artifacts)]
    for name in names:
        for _ in range(3):
            body = {"digest": "blake3:" + secrets.token_hex(32), "file_count": 1, "total_bytes": 1}
            meta.post(f"/artifacts/{name}/versions", json={**body, "kind": "dataset"}).raise_for_status()
    done: dict[str, list[str]] = defaultdict(list)
    per_writer = mutations // writers
    stop = threading.Event()

    def write(index: int) -> None:
        with httpx.Client(
            base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=60
        ) as c:
            owned = names[index::writers]
            for n in range(per_writer):
                name = owned[n % len(owned)]
                version = f"v{len(done[name]) % 3 + 1}"
                c.put(f"/artifacts/{name}/aliases/prod", json={"version": version}).raise_for_status()
                done[name].append(f"{name}:{version}")

    # Each artifact is moved by one writer only, so "done" holds the order of its moves.
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()

    def killer() -> None:
        for _ in range(kills):
            if stop.wait(4.0):
                return
            os.kill(platform.pids()["observation-hub"], signal.SIGKILL)

    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    kill_thread.join()
    mutated = time.perf_counter()
    expected = sum(len(v) for v in done.values())
    events: list[dict] = []
    while time.perf_counter() - mutated < 300:
        try:
            events = [e for name in names for e in _feed_of(platform.gateway, platform.auth, name)]
        except (httpx.HTTPError, ValueError):
            events = []
        moves = [e for e in events if e["type"] == "alias.set"]
        if len(moves) >= expected:
            break
        time.sleep(1.0)
    drained = time.perf_counter()
    moves = [e for e in events if e["type"] == "alias.set"]
    once = len({e["event_id"] for e in moves}) == len(moves) == expected
    ordered = all(
        [e["after"]["version"] for e in moves if e["artifact"] == name] == done[name] for name in names
    )
    print(
        f"[events] {expected:,} alias moves by {writers} writers in {mutated - started:.1f} s "
        f"({expected / (mutated - started):,.0f}/s) with observation-hub SIGKILLed {kills} times: "
        f"feed complete {drained - mutated:.1f} s after the last move; each exactly once: {once}; "
        f"in each artifact's order: {ordered}",
        flush=True,
    )


def bench_webhook(platform, mutations: int = 1000, artifacts: int = 4, down_s: float = 60.0) -> None:
    """A webhook receiver down for ``down_s`` while ``mutations`` alias moves happen; then the time
    from its return until it has them all, and whether each artifact's came in order."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from kamld_testing.loopback import serving
    from kamld_testing.processes import free_ports

    (port,) = free_ports(1)
    names = [f"hook-{secrets.token_hex(3)}-{n}" for n in range(artifacts)]
    hook = httpx.post(
        platform.gateway + "/api/v1/webhooks",
        json={"url": f"http://127.0.0.1:{port}/", "types": ["alias.set"], "artifacts": names},
        headers=platform.auth,
    )
    hook.raise_for_status()
    meta = httpx.Client(base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=60)
    for name in names:
        for _ in range(3):
            body = {"digest": "blake3:" + secrets.token_hex(32), "file_count": 1, "total_bytes": 1}
            meta.post(f"/artifacts/{name}/versions", json={**body, "kind": "dataset"}).raise_for_status()
    done: dict[str, list[str]] = defaultdict(list)
    received: list[dict] = []
    started = time.perf_counter()

    def write(name: str) -> None:
        with httpx.Client(
            base_url=platform.urls["metadata-hub"], headers=platform.internal_auth, timeout=60
        ) as c:
            for n in range(mutations // artifacts):
                version = f"v{n % 3 + 1}"
                c.put(f"/artifacts/{name}/aliases/prod", json={"version": version}).raise_for_status()
                done[name].append(f"{name}:{version}")

    writers = [threading.Thread(target=write, args=(name,)) for name in names]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    mutated = time.perf_counter() - started
    time.sleep(max(0.0, down_s - (time.perf_counter() - started)))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    expected = sum(len(v) for v in done.values())
    with serving(ThreadingHTTPServer(("127.0.0.1", port), Handler)):
        back = time.perf_counter()
        while len(received) < expected and time.perf_counter() - back < 300:
            time.sleep(0.2)
        caught_up = time.perf_counter() - back
    ordered = all([e["after"]["version"] for e in received if e["artifact"] == n] == done[n] for n in names)
    print(
        f"[events] webhook receiver down {down_s:.0f} s while {expected:,} alias moves happened "
        f"(in {mutated:.1f} s): all {len(received):,} delivered {caught_up:.1f} s after it came back "
        f"(target: within 30 s); in each artifact's order: {ordered}",
        flush=True,
    )


def bench_events(work: Path, mutations: int) -> None:
    work.mkdir(parents=True, exist_ok=True)
    bench_outbox_cost(work)
    platform = launch_platform(work / f"events-home-{secrets.token_hex(3)}", clean_environment(), "sqlite")
    try:
        hub = httpx.Client(
            base_url=platform.urls["observation-hub"], headers=platform.internal_auth, timeout=120
        )
        bench_ingest(hub)
        bench_webhook(platform)
        bench_kill(platform, mutations=mutations)
    finally:
        stop_platform(platform.process)
