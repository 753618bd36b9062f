"""The per-token rate limiter: bursts, pacing, Retry-After's wait, and one budget across workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamld_workbench_api.limits.rate import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_admitted_then_requests_are_paced_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(per_s=2, burst=3, clock=clock)
    assert [limiter.acquire("ci") for _ in range(3)] == [0, 0, 0]
    wait = limiter.acquire("ci")
    assert wait == pytest.approx(0.5)
    clock.now += wait
    assert limiter.acquire("ci") == 0
    assert limiter.acquire("ci") == pytest.approx(0.5)


def test_tokens_have_budgets_of_their_own() -> None:
    limiter = RateLimiter(per_s=1, burst=1, clock=Clock())
    assert limiter.acquire("a") == 0
    assert limiter.acquire("a") > 0
    assert limiter.acquire("b") == 0


def test_workers_sharing_the_file_share_one_budget(tmp_path: Path) -> None:
    clock = Clock()
    first = RateLimiter(per_s=1, burst=2, path=tmp_path / "rate-limits", clock=clock)
    second = RateLimiter(per_s=1, burst=2, path=tmp_path / "rate-limits", clock=clock)
    assert first.acquire("ci") == 0
    assert second.acquire("ci") == 0
    assert first.acquire("ci") > 0
    assert second.acquire("ci") > 0


def test_a_budget_written_under_another_clock_starts_afresh(tmp_path: Path) -> None:
    clock = Clock()
    RateLimiter(per_s=1, burst=1, path=tmp_path / "rate-limits", clock=clock).acquire("ci")
    clock.now = 10.0  # after a reboot the monotonic clock starts again near zero
    assert RateLimiter(per_s=1, burst=1, path=tmp_path / "rate-limits", clock=clock).acquire("ci") == 0
