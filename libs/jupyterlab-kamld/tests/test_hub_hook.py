"""The JupyterHub hooks against a gateway stand-in (an in-memory token API over httpx's MockTransport)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import stamina

from jupyterlab_kamld.hub import HubSettings, KamldHubError, post_stop_hook, pre_spawn_hook, token_name

ADMIN = "admin-secret"


@pytest.fixture(autouse=True)
def no_retry_waits() -> Any:
    stamina.set_testing(True, attempts=3)
    yield
    stamina.set_testing(False)


@dataclass
class TokenApi:
    """``/api/v1/tokens`` as the gateway answers it: 409 for a name in use, 404 for an unknown one."""

    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    """Statuses to answer (one per call) before answering for real."""
    issued: int = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(f"{request.method} {request.url.path}")
        if self.failures:
            return httpx.Response(self.failures.pop(0), json={"detail": "not now"})
        if request.headers.get("Authorization") != f"Bearer {ADMIN}":
            return httpx.Response(403, json={"detail": "needs the admin role", "code": "forbidden"})
        if request.method == "POST" and request.url.path == "/api/v1/tokens":
            body = json.loads(request.content)
            if body["name"] in self.tokens:
                return httpx.Response(409, json={"code": "token_exists"})
            self.issued += 1
            self.tokens[body["name"]] = {**body, "token": f"secret-{self.issued}"}
            return httpx.Response(201, json=self.tokens[body["name"]])
        if request.method == "DELETE" and request.url.path.startswith("/api/v1/tokens/"):
            name = request.url.path.rsplit("/", 1)[1]
            if self.tokens.pop(name, None) is None:
                return httpx.Response(404, json={"code": "token_not_found"})
            return httpx.Response(204)
        return httpx.Response(404)


def settings_for(api: TokenApi | None, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> HubSettings:
    monkeypatch.setenv("KAMLD_HUB_ADMIN_TOKEN", ADMIN)
    transport = httpx.MockTransport(api.handle) if api is not None else None
    kwargs.setdefault("gateway_url", "http://gateway.internal:8080")
    return HubSettings(transport=transport, **kwargs)


def spawner(name: str, groups: list[str] | None = None) -> Any:
    user = SimpleNamespace(name=name, groups=[SimpleNamespace(name=g) for g in groups or []])
    return SimpleNamespace(user=user, environment={"OTHER": "kept"})


def test_roles_come_from_the_user_then_the_strongest_group_then_the_default() -> None:
    settings = HubSettings(
        gateway_url="http://g",
        users={"ada": "admin"},
        groups={"ml": "editor", "readers": "viewer"},
        default_role="viewer",
    )
    assert settings.role("ada", ["readers"]) == "admin"
    assert settings.role("bob", ["readers", "ml"]) == "editor"
    assert settings.role("cy", ["readers"]) == "viewer"
    assert settings.role("dee") == "viewer"
    with pytest.raises(ValueError, match="unknown KAML-D role 'owner'"):
        HubSettings(gateway_url="http://g", groups={"x": "owner"})
    with pytest.raises(ValueError, match="admin_token_env or admin_token_file"):
        HubSettings(gateway_url="http://g", admin_token_env=None)


def test_token_names_are_valid_and_distinct_for_any_user_name() -> None:
    assert token_name("ada") == "jupyterhub-ada"
    odd = token_name("ada@example.org")
    assert odd.startswith("jupyterhub-ada-example.org-")
    assert odd != token_name("ada-example.org") and odd != token_name("ada#example.org")
    assert len(token_name("x" * 300)) <= 128


async def test_spawn_sets_url_and_a_fresh_token_of_the_users_role(monkeypatch: pytest.MonkeyPatch) -> None:
    api = TokenApi()
    settings = settings_for(api, monkeypatch, user_url="https://kamld.example.org/", groups={"ml": "editor"})
    ada = spawner("ada", ["ml"])
    await pre_spawn_hook(settings)(ada)
    assert ada.environment == {
        "OTHER": "kept",
        "KAMLD_URL": "https://kamld.example.org",
        "KAMLD_TOKEN": "secret-1",
    }
    assert api.tokens["jupyterhub-ada"]["role"] == "editor"
    # A second spawn replaces the token: the first secret is revoked, not left behind.
    again = spawner("ada", ["ml"])
    await pre_spawn_hook(settings)(again)
    assert again.environment["KAMLD_TOKEN"] == "secret-2"
    assert list(api.tokens) == ["jupyterhub-ada"] and api.tokens["jupyterhub-ada"]["token"] == "secret-2"
    assert api.calls[-2:] == ["DELETE /api/v1/tokens/jupyterhub-ada", "POST /api/v1/tokens"]
    bob = spawner("bob")
    await pre_spawn_hook(settings)(bob)
    assert api.tokens["jupyterhub-bob"]["role"] == "viewer"


async def test_stop_revokes_the_token_and_never_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    api = TokenApi()
    settings = settings_for(api, monkeypatch)
    await pre_spawn_hook(settings)(spawner("ada"))
    await post_stop_hook(settings)(spawner("ada"))
    assert api.tokens == {}
    await post_stop_hook(settings)(spawner("ada"))  # none left: nothing to do
    api.failures = [503, 503, 503]
    await post_stop_hook(settings)(spawner("ada"))  # logged, not raised


async def test_a_gateway_that_cannot_be_reached_fails_the_spawn_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    monkeypatch.setenv("KAMLD_HUB_ADMIN_TOKEN", ADMIN)
    settings = HubSettings(gateway_url="http://gateway.internal:8080", transport=httpx.MockTransport(refuse))
    server = spawner("ada")
    with pytest.raises(KamldHubError, match=r"cannot reach the gateway at http://gateway.internal:8080"):
        await pre_spawn_hook(settings)(server)
    assert "KAMLD_TOKEN" not in server.environment


async def test_unavailable_answers_are_tried_again_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    api = TokenApi(failures=[503, 502])
    settings = settings_for(api, monkeypatch)
    server = spawner("ada")
    await pre_spawn_hook(settings)(server)
    assert server.environment["KAMLD_TOKEN"] == "secret-1"
    api.failures = [503, 503, 503]
    with pytest.raises(KamldHubError, match="answered 503 not now"):
        await pre_spawn_hook(settings)(spawner("ada"))


async def test_a_refused_admin_token_or_none_fails_the_spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    api = TokenApi()
    settings = settings_for(api, monkeypatch)
    monkeypatch.setenv("KAMLD_HUB_ADMIN_TOKEN", "not-an-admin")
    with pytest.raises(
        KamldHubError, match="refused to revoke the token 'jupyterhub-ada' \\(403 needs the admin"
    ):
        await pre_spawn_hook(settings)(spawner("ada"))
    monkeypatch.delenv("KAMLD_HUB_ADMIN_TOKEN")
    with pytest.raises(
        KamldHubError, match="no admin token in the environment variable KAMLD_HUB_ADMIN_TOKEN"
    ):
        await pre_spawn_hook(settings)(spawner("ada"))


async def test_the_admin_token_may_come_from_a_file(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "admin-token"
    secret.write_text(ADMIN + "\n")
    monkeypatch.delenv("KAMLD_HUB_ADMIN_TOKEN", raising=False)
    api = TokenApi()
    settings = HubSettings(
        gateway_url="http://g", admin_token_file=str(secret), transport=httpx.MockTransport(api.handle)
    )
    server = spawner("ada")
    await pre_spawn_hook(settings)(server)
    assert server.environment["KAMLD_URL"] == "http://g"
    missing = HubSettings(gateway_url="http://g", admin_token_file=str(tmp_path / "none"))
    with pytest.raises(KamldHubError, match="cannot read the admin token file"):
        await pre_spawn_hook(missing)(spawner("ada"))


def test_the_hook_imports_without_jupyter_server() -> None:
    """The hub image gets only the hook and httpx/stamina (deploy/jupyterhub/Dockerfile)."""
    blocked = "import sys; sys.modules['jupyter_server'] = sys.modules['jupyterlab'] = None; "
    subprocess.run(
        [sys.executable, "-c", blocked + "import jupyterlab_kamld.hub, jupyterlab_kamld"], check=True
    )
