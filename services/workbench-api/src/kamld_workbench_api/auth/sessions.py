"""Browser sessions: a signed, HttpOnly cookie standing in for the API token, plus a CSRF token.

Signing in with an API token (or a directory user name and password) gives the browser two
cookies: ``kamld_session`` (HttpOnly, SameSite=Strict) holds ``<subject>.<expiry>.<csrf>`` signed
with HMAC-SHA256, the subject being the token's digest or ``u-`` and the directory user's name, and
``kamld_csrf`` (readable by the page) holds the same CSRF value, which the page echoes in the
``X-CSRF-Token`` header of every mutation (double submit, bound to the signed session). The
cookie carries the SHA-256 of the token, never the token: a stolen cookie is no API token, and each
request re-checks the digest against the token table, so revoking the token ends its sessions (a
directory user's role is read again from the directory as its cache ages).

The key is derived from the platform's internal token (shared by every worker and replica), or
kept in ``data_dir/session-key`` when the service has none.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kamld_common.internal_token import load_or_create

SESSION_COOKIE = "kamld_session"
CSRF_COOKIE = "kamld_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


USER_PREFIX = "u-"


def user_subject(user: str) -> str:
    """The session subject of a directory user (base64url, so no '.' reaches the cookie's fields)."""
    return USER_PREFIX + base64.urlsafe_b64encode(user.encode()).decode().rstrip("=")


def subject_user(subject: str) -> str | None:
    """The directory user a session subject names, or None for a token's digest."""
    if not subject.startswith(USER_PREFIX):
        return None
    encoded = subject[len(USER_PREFIX) :]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()


@dataclass(frozen=True)
class Session:
    subject: str
    expires_at: int
    csrf: str


class SessionSigner:
    """Issues and verifies session cookie values (no HTTP here: the gate and the routes use it)."""

    def __init__(self, secret: Callable[[], str], lifetime_s: int) -> None:
        self._secret = secret
        self._derived: bytes | None = None
        self.lifetime_s = lifetime_s

    @classmethod
    def for_service(cls, internal_token: str | None, data_dir: Path, lifetime_s: int) -> SessionSigner:
        """Keyed by the internal token, else by a key file made on the first sign-in."""
        return cls(lambda: internal_token or load_or_create(data_dir / "session-key"), lifetime_s)

    @property
    def _key(self) -> bytes:
        if self._derived is None:
            secret = self._secret().encode()
            self._derived = hmac.new(secret, b"kamld-workbench-session-v1", hashlib.sha256).digest()
        return self._derived

    def issue(self, subject: str, now: float | None = None) -> tuple[str, Session]:
        """A new session for ``subject`` (a token's SHA-256 digest, or :func:`user_subject`): the
        cookie value and what it holds."""
        session = Session(subject, int((now or time.time()) + self.lifetime_s), secrets.token_urlsafe(24))
        payload = f"{session.subject}.{session.expires_at}.{session.csrf}"
        return f"{payload}.{self._sign(payload)}", session

    def verify(self, value: str, now: float | None = None) -> Session | None:
        """The session a cookie value holds, or None when it is forged, malformed or expired."""
        payload, _, signature = value.rpartition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        parts = payload.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        session = Session(parts[0], int(parts[1]), parts[2])
        if session.expires_at <= (now or time.time()):
            return None
        return session

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def csrf_matches(session: Session, header: str | None) -> bool:
    return header is not None and hmac.compare_digest(header.encode(), session.csrf.encode())


def cookie_value(header: bytes, name: str) -> str | None:
    """One cookie's value from a ``Cookie`` header."""
    for part in header.decode("latin-1").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
