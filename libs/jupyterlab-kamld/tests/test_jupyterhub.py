"""The hub hook in a real JupyterHub (local-process spawner, dummy authenticator,
configurable-http-proxy) in front of a real platform: each user's server acts as that user."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kamld_testing.jupyterhub import JupyterHub, SpawnFailed, jupyterhub_missing, running_jupyterhub
from kamld_testing.platform import Platform, clean_environment
from kamld_testing.processes import free_ports

MISSING = jupyterhub_missing()
pytestmark = [pytest.mark.integration, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


def hook_config(gateway: str) -> str:
    """What an operator writes into ``jupyterhub_config.py`` (docs/deploy.md)."""
    return f"""
        from jupyterlab_kamld.hub import HubSettings, post_stop_hook, pre_spawn_hook

        kamld = HubSettings(
            gateway_url={gateway!r},
            admin_token_env="KAMLD_HUB_ADMIN_TOKEN",
            groups={{"ml-engineers": "editor"}},
            default_role="viewer",
            attempts=2,
            retry_timeout_s=5.0,
        )
        c.Spawner.pre_spawn_hook = pre_spawn_hook(kamld)
        c.Spawner.post_stop_hook = post_stop_hook(kamld)
        """


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, kamld_platform: Platform) -> Iterator[JupyterHub]:
    env = {**clean_environment(), "KAMLD_HUB_ADMIN_TOKEN": kamld_platform.token}
    with running_jupyterhub(
        tmp_path_factory.mktemp("hub"),
        env,
        users=["ada", "bob"],
        groups={"ml-engineers": ["ada"]},
        extra_config=hook_config(kamld_platform.gateway),
    ) as running:
        try:
            yield running
        except BaseException:
            print(running.log_tail())
            raise


def hub_tokens(platform: Platform) -> dict[str, str]:
    answer = httpx.get(f"{platform.gateway}/api/v1/tokens", headers=platform.auth)
    answer.raise_for_status()
    return {
        token["name"]: token["role"] for token in answer.json() if token["name"].startswith("jupyterhub-")
    }


def test_each_users_server_acts_as_that_user(hub: JupyterHub, kamld_platform: Platform) -> None:
    for user in ("ada", "bob"):
        try:
            hub.start_server(user)
        except SpawnFailed as exc:
            pytest.fail(f"{user}: {exc}\n{hub.log_tail()}")
    assert hub_tokens(kamld_platform) == {"jupyterhub-ada": "editor", "jupyterhub-bob": "viewer"}

    # The server extension's gateway proxy, through the hub's proxy, presents the user's token.
    for user, role in [("ada", "editor"), ("bob", "viewer")]:
        me = httpx.get(hub.user_url(user, "kamld/api/v1/me"), headers=hub.auth, timeout=30.0)
        assert me.status_code == 200, me.text
        assert me.json() == {"name": f"jupyterhub-{user}", "role": role}

    name = f"hub-{uuid.uuid4().hex[:8]}"
    body = {"name": name, "kind": "model", "description": "", "labels": {}}
    created = httpx.post(hub.user_url("ada", "kamld/api/v1/artifacts"), headers=hub.auth, json=body)
    assert created.status_code == 201, created.text
    refused = httpx.post(
        hub.user_url("bob", "kamld/api/v1/artifacts"), headers=hub.auth, json={**body, "name": name + "-b"}
    )
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    seen = httpx.get(hub.user_url("bob", f"kamld/api/v1/artifacts/{name}"), headers=hub.auth)
    assert seen.status_code == 200, seen.text

    # A restart replaces the token (the old secret is revoked); a stop revokes it.
    hub.stop_server("ada")
    assert hub_tokens(kamld_platform) == {"jupyterhub-bob": "viewer"}
    hub.start_server("ada")
    me = httpx.get(hub.user_url("ada", "kamld/api/v1/me"), headers=hub.auth, timeout=30.0)
    assert me.json() == {"name": "jupyterhub-ada", "role": "editor"}
    for user in ("ada", "bob"):
        hub.stop_server(user)
    assert hub_tokens(kamld_platform) == {}


def test_an_unreachable_gateway_fails_the_spawn_with_a_message(
    tmp_path: Path, kamld_platform: Platform
) -> None:
    nowhere = f"http://127.0.0.1:{free_ports(1)[0]}"
    env = {**clean_environment(), "KAMLD_HUB_ADMIN_TOKEN": kamld_platform.token}
    with running_jupyterhub(tmp_path, env, users=["cy"], extra_config=hook_config(nowhere)) as down:
        with pytest.raises(SpawnFailed) as failed:
            down.start_server("cy", timeout_s=60.0)
        assert f"KAML-D: cannot reach the gateway at {nowhere}" in str(failed.value), down.log_tail()
        assert down.api("GET", "users/cy").json()["servers"] == {}
