"""Directory sign-in against a real OpenLDAP server (Debian's ``slapd``, started by the test):
passwords, groups mapped to roles, a user removed from a group, and a directory that is down."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kamld_common.errors import Forbidden, Unauthorized, Unavailable
from kamld_testing.ldap import ADMIN_DN, GROUPS, PEOPLE, LdapServer, slapd_available
from kamld_testing.processes import env_prefix, stop_services
from kamld_workbench_api.auth.directory import LdapConfig, LdapDirectory
from kamld_workbench_api.auth.schemas import Role

from ..conftest import Gateway, start_services

pytestmark = pytest.mark.skipif(
    not slapd_available(), reason="slapd (Debian's package) is not installed: make install installs it"
)
ROLES = {"vision": Role.editor, "ml-admins": Role.admin, "everyone": Role.viewer}
GATEWAY = env_prefix("workbench-api")


@pytest.fixture(scope="module")
def directory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapServer]:
    server = LdapServer(tmp_path_factory.mktemp("slapd"))
    server.add_user("alice", "alice-secret")
    server.add_user("bob", "bob-secret")
    server.add_user("carol", "carol-secret")
    server.add_user("dave", "dave-secret")
    server.add_group("everyone", "alice", "bob", "dave")
    server.add_group("vision", "alice", "dave")
    server.add_group("ml-admins")
    yield server
    server.stop()


def directory(server: LdapServer, **overrides: object) -> LdapDirectory:
    settings: dict = {
        "url": server.url,
        "user_dn_template": f"uid={{user}},{PEOPLE}",
        "group_base": GROUPS,
        "role_map": ROLES,
        "bind_dn": ADMIN_DN,
        "bind_password": server.admin_password,
        "timeout_s": 2.0,
    }
    settings.update(overrides)
    return LdapDirectory(LdapConfig(**settings))


async def test_a_user_signs_in_with_the_highest_role_of_their_groups(directory_server: LdapServer) -> None:
    alice = await directory(directory_server).sign_in("alice", "alice-secret")
    assert (alice.name, alice.role) == ("alice", Role.editor)
    bob = await directory(directory_server).sign_in("bob", "bob-secret")
    assert bob.role is Role.viewer


@pytest.mark.parametrize(
    ("user", "password"),
    [("alice", "wrong"), ("alice", ""), ("nobody", "x"), ("*)(uid=*", "x"), ("alice,ou=people", "x")],
)
async def test_wrong_names_passwords_and_filter_tricks_are_refused(
    directory_server: LdapServer, user: str, password: str
) -> None:
    with pytest.raises(Unauthorized) as refused:
        await directory(directory_server).sign_in(user, password)
    assert refused.value.code == "credentials_invalid"


async def test_a_user_in_no_mapped_group_gets_no_role_unless_a_default_is_set(
    directory_server: LdapServer,
) -> None:
    with pytest.raises(Forbidden) as refused:
        await directory(directory_server).sign_in("carol", "carol-secret")
    assert refused.value.code == "no_role"
    carol = await directory(directory_server, default_role=Role.viewer).sign_in("carol", "carol-secret")
    assert carol.role is Role.viewer


async def test_leaving_a_group_takes_its_role_away_once_the_cache_ages(directory_server: LdapServer) -> None:
    check = directory(directory_server, cache_s=0.5)
    assert (await check.sign_in("dave", "dave-secret")).role is Role.editor
    directory_server.remove_member("vision", "dave")
    assert (await check.caller("dave")).role is Role.editor
    await asyncio.sleep(0.6)
    assert (await check.caller("dave")).role is Role.viewer
    directory_server.remove_member("everyone", "dave")
    await asyncio.sleep(0.6)
    with pytest.raises(Forbidden):
        await check.caller("dave")


async def test_a_directory_that_is_down_is_a_503(directory_server: LdapServer) -> None:
    check = directory(directory_server, cache_s=0)
    await check.sign_in("alice", "alice-secret")
    directory_server.stop()
    try:
        for attempt in (check.sign_in("alice", "alice-secret"), check.caller("alice")):
            with pytest.raises(Unavailable) as down:
                await attempt
            assert down.value.code == "directory_unavailable"
    finally:
        directory_server.start()
    assert (await check.caller("alice")).role is Role.editor


@pytest.fixture(scope="module")
def ldap_gateway(directory_server: LdapServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    env = {
        GATEWAY + "LDAP_URL": directory_server.url,
        GATEWAY + "LDAP_USER_DN_TEMPLATE": f"uid={{user}},{PEOPLE}",
        GATEWAY + "LDAP_GROUP_BASE": GROUPS,
        GATEWAY + "LDAP_ROLE_MAP": json.dumps({"vision": "editor", "everyone": "viewer"}),
        GATEWAY + "LDAP_BIND_DN": ADMIN_DN,
        GATEWAY + "LDAP_BIND_PASSWORD": directory_server.admin_password,
        GATEWAY + "LDAP_CACHE_S": "0",
    }
    started = start_services(Path(tmp_path_factory.mktemp("kamld-ldap")), env)
    yield started
    stop_services(*started.services.values())


def test_the_workbench_session_of_a_directory_user(
    ldap_gateway: Gateway, directory_server: LdapServer
) -> None:
    with httpx.Client(base_url=ldap_gateway.url, timeout=30) as browser:
        wrong = browser.post("/api/v1/session", json={"username": "alice", "password": "nope"})
        assert wrong.status_code == 401
        assert wrong.json()["code"] == "credentials_invalid"
        signed_in = browser.post("/api/v1/session", json={"username": "alice", "password": "alice-secret"})
        assert signed_in.status_code == 200, signed_in.text
        assert (signed_in.json()["name"], signed_in.json()["role"]) == ("alice", "editor")
        assert "alice-secret" not in str(signed_in.headers)
        csrf = signed_in.json()["csrf_token"]
        assert browser.get("/api/v1/me").json() == {"name": "alice", "role": "editor"}
        made = browser.post(
            "/api/v1/artifacts", json={"name": "ldap-made", "kind": "dataset"}, headers={"X-CSRF-Token": csrf}
        )
        assert made.status_code == 201, made.text
        assert made.json()["created_by"] == "alice"

        directory_server.stop()
        try:
            down = browser.get("/api/v1/me")
            assert (down.status_code, down.json()["code"]) == (503, "directory_unavailable")
            token = httpx.get(
                ldap_gateway.url + "/api/v1/me",
                headers={"Authorization": f"Bearer {ldap_gateway.admin_token}"},
            )
            assert token.status_code == 200
        finally:
            directory_server.start()
        assert browser.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"token": "kamld_x", "username": "alice", "password": "p"}, "body"),
        ({"username": "alice"}, "body"),
        ({}, "body"),
    ],
)
def test_a_sign_in_body_must_choose_one_way(ldap_gateway: Gateway, body: dict, field: str) -> None:
    answer = httpx.post(ldap_gateway.url + "/api/v1/session", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"][0] == field


def test_user_sign_in_without_a_directory_is_refused_with_the_reason(gateway: Gateway) -> None:
    answer = httpx.post(gateway.url + "/api/v1/session", json={"username": "alice", "password": "p"})
    assert answer.status_code == 401
    assert answer.json()["code"] == "directory_not_configured"
    assert "sign in with an API token" in answer.json()["detail"]
