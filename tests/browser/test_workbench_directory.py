"""Signing in to the Workbench with a directory account: a real ``kamld up`` whose gateway binds
to a real OpenLDAP server, driven in headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from kamld_testing.browser import accessibility_violations, describe_violations, new_page
from kamld_testing.ldap import ADMIN_DN, GROUPS, PEOPLE, LdapServer, slapd_available
from kamld_testing.platform import Platform, clean_environment, running_platform

pytestmark = [
    pytest.mark.integration,
    pytest.mark.browser,
    pytest.mark.skipif(
        not slapd_available(), reason="slapd (Debian's package) is not installed: make install installs it"
    ),
]
GATEWAY = "KAMLD_WORKBENCH_API_"


@pytest.fixture(scope="module")
def directory_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    directory = LdapServer(tmp_path_factory.mktemp("slapd"))
    directory.add_user("ada", "ada-secret")
    directory.add_user("ben", "ben-secret")
    directory.add_group("vision", "ada")
    directory.add_group("everyone", "ada", "ben")
    env = clean_environment() | {
        GATEWAY + "LDAP_URL": directory.url,
        GATEWAY + "LDAP_USER_DN_TEMPLATE": f"uid={{user}},{PEOPLE}",
        GATEWAY + "LDAP_GROUP_BASE": GROUPS,
        GATEWAY + "LDAP_ROLE_MAP": json.dumps({"vision": "editor", "everyone": "viewer"}),
        GATEWAY + "LDAP_BIND_DN": ADMIN_DN,
        GATEWAY + "LDAP_BIND_PASSWORD": directory.admin_password,
    }
    try:
        with running_platform(tmp_path_factory.mktemp("directory-home"), env, database="sqlite") as platform:
            yield platform
    finally:
        directory.stop()


def sign_in(page: Any, user: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in with your account", exact=True).click()


def test_a_directory_user_signs_in_with_the_role_of_their_groups(
    chromium: Any, directory_platform: Platform
) -> None:
    page = new_page(chromium, directory_platform.gateway)
    sign_in(page, "ada", "wrong")
    assert "user name or password is wrong" in page.get_by_role("alert").inner_text()
    violations = accessibility_violations(page)
    assert not violations, describe_violations(violations)

    sign_in(page, "ada", "ada-secret")
    page.get_by_role("button", name="Sign out").wait_for()
    who = page.locator(".who").inner_text()
    assert "ada" in who and "editor" in who
    assert not [c for c in page.context.cookies() if "ada-secret" in c["value"]]
    page.context.close()

    viewer = new_page(chromium, directory_platform.gateway)
    sign_in(viewer, "ben", "ben-secret")
    viewer.get_by_role("button", name="Sign out").wait_for()
    assert "viewer" in viewer.locator(".who").inner_text()
    viewer.context.close()


def test_the_token_form_stays_beside_the_directory_form(chromium: Any, directory_platform: Platform) -> None:
    page = new_page(chromium, directory_platform.gateway)
    page.goto("/")
    page.get_by_label("API token").fill(directory_platform.token)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for()
    assert "admin" in page.locator(".who").inner_text()
    page.context.close()
