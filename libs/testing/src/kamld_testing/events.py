"""Reading the activity feed of a running platform, and waiting out a service's restart, for tests
that check what was recorded (and that a killed observation-hub loses and doubles nothing)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from kamld_testing.platform import Platform

DEADLINE_S = 90.0
"""Only keeps a broken platform from hanging the suite; no timing check."""


def feed(platform: Platform, **params: object) -> list[dict[str, Any]]:
    """Every event matching ``params``, oldest first (walking the newest-first pages)."""
    items: list[dict[str, Any]] = []
    query: dict[str, Any] = {**params, "limit": 500}
    while True:
        page = httpx.get(platform.gateway + "/api/v1/events", params=query, headers=platform.auth, timeout=30)
        if page.status_code != 200:  # e.g. 503 while observation-hub restarts
            raise httpx.HTTPStatusError(page.text, request=page.request, response=page)
        body = page.json()
        items.extend(body["items"])
        if not body["next"]:
            return list(reversed(items))
        query["after"] = body["next"]


def wait_for_feed(
    platform: Platform,
    count: int,
    where: Callable[[dict[str, Any]], bool] | None = None,
    **params: object,
) -> list[dict[str, Any]]:
    """The events matching ``params`` (and ``where``) once there are at least ``count`` of them, or at
    the deadline, oldest first."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            events = [event for event in feed(platform, **params) if where is None or where(event)]
        except httpx.HTTPError:  # observation-hub restarting (the gateway answers 503, or nothing)
            events = []
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.3)


def wait_restarted(platform: Platform, service: str, old_pid: int) -> None:
    """Until ``kamld up`` has started ``service`` again and it answers."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if platform.pids().get(service) != old_pid:
            try:
                if httpx.get(platform.urls[service] + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"{service} was not restarted")
