"""Signing a delivery so its receiver can tell it came from this platform and is fresh.

``X-Kamld-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``.
A receiver recomputes the HMAC over the timestamp and the raw body, compares in constant time,
and refuses a timestamp too far from its clock (replays); docs/observability.md shows how.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Kamld-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = 300) -> bool:
    """What a receiver does (kept here so the documented recipe is tested)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    expected = signature(secret, timestamp, body).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
