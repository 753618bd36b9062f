"""Browser sessions through the real gateway: the HttpOnly cookie stands for the token, mutations
need the CSRF token, a forged or revoked session is refused, signing out clears the cookies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from kamld_workbench_api.auth.sessions import Session, SessionSigner, csrf_matches


@contextmanager
def sign_in(gateway, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=30.0) as client:
        answer = client.post("/api/v1/session", json={"token": token})
        assert answer.status_code == 200, answer.text
        yield client


def test_sign_in_sets_an_httponly_strict_cookie_and_a_readable_csrf_cookie(gateway, tokens) -> None:
    with httpx.Client(base_url=gateway.url) as client:
        answer = client.post("/api/v1/session", json={"token": tokens["editor"]})
    assert answer.status_code == 200
    body = answer.json()
    assert body["role"] == "editor" and body["csrf_token"]
    cookies = {c.split("=", 1)[0]: c for c in answer.headers.get_list("set-cookie")}
    assert "HttpOnly" in cookies["kamld_session"] and "SameSite=strict" in cookies["kamld_session"]
    assert "HttpOnly" not in cookies["kamld_csrf"] and body["csrf_token"] in cookies["kamld_csrf"]
    assert tokens["editor"] not in cookies["kamld_session"]


def test_a_wrong_token_is_refused_with_a_problem_and_no_cookie(gateway) -> None:
    with httpx.Client(base_url=gateway.url) as client:
        answer = client.post("/api/v1/session", json={"token": "kamld_not-a-token"})
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "token_invalid"
    assert not answer.headers.get_list("set-cookie")


def test_the_cookie_authenticates_reads_and_csrf_guards_writes(gateway, tokens, push) -> None:
    with gateway.client(tokens["editor"]) as editor:
        push(editor, "session-target", {"a.txt": b"a"}, kind="dataset")
    with sign_in(gateway, tokens["editor"]) as browser:
        assert browser.get("/api/v1/me").json()["role"] == "editor"
        patch = {"description": "edited in the browser"}
        url = "/api/v1/artifacts/session-target"
        missing = browser.patch(url, json=patch)
        assert missing.status_code == 403 and missing.json()["code"] == "csrf_failed"
        wrong = browser.patch(url, json=patch, headers={"X-CSRF-Token": "guess"})
        assert wrong.status_code == 403 and wrong.json()["code"] == "csrf_failed"
        right = browser.patch(url, json=patch, headers={"X-CSRF-Token": browser.cookies["kamld_csrf"]})
        assert right.status_code == 200, right.text
        assert right.json()["description"] == "edited in the browser"


def test_the_session_keeps_the_role_of_its_token(gateway, tokens) -> None:
    with sign_in(gateway, tokens["viewer"]) as browser:
        csrf = {"X-CSRF-Token": browser.cookies["kamld_csrf"]}
        answer = browser.post("/api/v1/artifacts", json={"name": "nope", "kind": "model"}, headers=csrf)
    assert answer.status_code == 403 and answer.json()["code"] == "role_required"


def test_a_tampered_cookie_is_refused(gateway, tokens) -> None:
    with sign_in(gateway, tokens["viewer"]) as browser:
        value = browser.cookies["kamld_session"]
    digest, expires, csrf, signature = value.split(".")
    forged = {
        "signature": f"{digest}.{expires}.{csrf}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "expiry": f"{digest}.{int(expires) + 10**6}.{csrf}.{signature}",
    }
    for what, cookie in forged.items():
        with httpx.Client(base_url=gateway.url, headers={"Cookie": f"kamld_session={cookie}"}) as client:
            answer = client.get("/api/v1/me")
        assert answer.status_code == 401 and answer.json()["code"] == "session_invalid", what


def test_revoking_the_token_ends_its_sessions(gateway, tokens) -> None:
    with gateway.client(tokens["admin"]) as admin:
        created = admin.post("/api/v1/tokens", json={"name": "short-lived", "role": "viewer"}).json()
        with sign_in(gateway, created["token"]) as browser:
            assert browser.get("/api/v1/me").status_code == 200
            assert admin.delete("/api/v1/tokens/short-lived").status_code == 204
            answer = browser.get("/api/v1/me")
    assert answer.status_code == 401 and answer.json()["code"] == "token_invalid"


def test_sign_out_clears_the_cookies(gateway, tokens) -> None:
    with sign_in(gateway, tokens["viewer"]) as browser:
        answer = browser.delete("/api/v1/session")
        assert answer.status_code == 204
        assert "kamld_session" not in browser.cookies
        assert browser.get("/api/v1/me").status_code == 401


def test_bearer_tokens_need_no_csrf_token(gateway, tokens) -> None:
    with gateway.client(tokens["editor"]) as editor:
        answer = editor.patch("/api/v1/artifacts/session-target", json={"labels": {"team": "ml"}})
    assert answer.status_code in (200, 404), answer.text
    assert answer.status_code != 403


@pytest.mark.parametrize("offset", [-1, 0])
def test_a_signed_session_expires(tmp_path, offset: int) -> None:
    signer = SessionSigner.for_service(None, tmp_path, lifetime_s=60)
    value, session = signer.issue("d" * 64, now=1000.0)
    assert signer.verify(value, now=1000.0 + 60 + offset) == (session if offset < 0 else None)
    assert (tmp_path / "session-key").exists()


def test_sessions_signed_with_another_key_are_refused(tmp_path) -> None:
    value, _ = SessionSigner.for_service("one-internal-token-" * 2, tmp_path, 60).issue("d" * 64)
    assert SessionSigner.for_service("another-internal-token" * 2, tmp_path, 60).verify(value) is None
    assert csrf_matches(Session("d", 1, "abc"), "abc") and not csrf_matches(Session("d", 1, "abc"), None)
