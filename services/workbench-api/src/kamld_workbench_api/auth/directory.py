"""Sign-in against the team's LDAP directory (``ldap3``): a user name and password bind as that
user, and the user's groups, mapped to roles, give the role.

The role of a signed-in user is kept for ``cache_s`` and then read again from the directory
(with the service account, or anonymously without one), so a user removed from a group loses
that group's role within ``cache_s`` of the change; a user no longer in the directory loses
access the same way. A directory that cannot be reached is a 503 for its users only: API tokens
keep working.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from kamld_common.errors import Forbidden, Unauthorized, Unavailable
from kamld_workbench_api.auth.schemas import Caller, Role

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")


@dataclass(frozen=True)
class LdapConfig:
    """Everything the directory adapter needs; made from the gateway's ``ldap_*`` settings."""

    url: str
    user_dn_template: str
    group_base: str
    group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    group_name_attribute: str = "cn"
    role_map: Mapping[str, Role] = field(default_factory=dict)
    default_role: Role | None = None
    bind_dn: str | None = None
    bind_password: str | None = None
    cache_s: float = 60.0
    timeout_s: float = 5.0


class LdapDirectory:
    """Who a user name and password are, and what role their groups give them."""

    def __init__(self, config: LdapConfig) -> None:
        self.config = config
        self._roles: dict[str, tuple[Role, float]] = {}

    async def sign_in(self, user: str, password: str) -> Caller:
        """Bind as ``user``: 401 for a wrong name or password, 403 when no group maps to a role."""
        self._check_name(user)
        if not password:
            # An empty password is an unauthenticated bind, which directories accept for anyone.
            raise Unauthorized("the password is empty", code="credentials_invalid")
        groups = await asyncio.to_thread(self._groups, user, password)
        if groups is None:
            raise Unauthorized("the user name or password is wrong", code="credentials_invalid")
        return self._remember(user, groups)

    async def caller(self, user: str) -> Caller:
        """A signed-in user's role, read again from the directory once it is ``cache_s`` old."""
        cached = self._roles.get(user)
        if cached is not None and time.monotonic() - cached[1] < self.config.cache_s:
            return Caller(name=user, role=cached[0])
        groups = await asyncio.to_thread(self._groups, user, None)
        if groups is None:
            self._roles.pop(user, None)
            raise Unauthorized(
                f"user {user!r} is no longer in the directory: sign in again", code="session_invalid"
            )
        return self._remember(user, groups)

    def _remember(self, user: str, groups: list[str]) -> Caller:
        role = self._role(user, groups)
        self._roles[user] = (role, time.monotonic())
        return Caller(name=user, role=role)

    def _role(self, user: str, groups: list[str]) -> Role:
        granted = [self.config.role_map[group] for group in groups if group in self.config.role_map]
        if granted:
            return max(granted, key=lambda role: role.rank)
        if self.config.default_role is None:
            self._roles.pop(user, None)
            raise Forbidden(
                f"user {user!r} is in no group that maps to a role on this platform", code="no_role"
            )
        return self.config.default_role

    def _check_name(self, user: str) -> None:
        if not USER_NAME.match(user):
            raise Unauthorized(
                "the user name must be 1 to 128 letters, digits, '.', '_', '@' or '-'",
                code="credentials_invalid",
            )

    def _user_dn(self, user: str) -> str:
        return self.config.user_dn_template.format(user=escape_rdn(user))

    def _groups(self, user: str, password: str | None) -> list[str] | None:
        """The user's group names; None when the bind fails (``password``) or the user is gone."""
        dn = self._user_dn(user)
        server = ldap3.Server(self.config.url, connect_timeout=self.config.timeout_s)
        # ldap3 packs the receive timeout into a socket option as whole seconds.
        receive_s = max(1, math.ceil(self.config.timeout_s))
        if password is not None:
            connection = ldap3.Connection(server, dn, password, receive_timeout=receive_s)
        else:
            connection = ldap3.Connection(
                server, self.config.bind_dn, self.config.bind_password, receive_timeout=receive_s
            )
        try:
            if not connection.bind():
                if password is not None:
                    return None
                refusal = connection.result.get("description")
                raise Unavailable(
                    f"the directory refused the service account's bind: {refusal}",
                    code="directory_unavailable",
                )
            if password is None and not connection.search(dn, "(objectClass=*)", ldap3.BASE):
                return None
            group_filter = self.config.group_filter.format(
                dn=escape_filter_chars(dn), user=escape_filter_chars(user)
            )
            connection.search(
                self.config.group_base,
                group_filter,
                ldap3.SUBTREE,
                attributes=[self.config.group_name_attribute],
            )
            names: list[str] = []
            for entry in connection.entries:
                value = entry[self.config.group_name_attribute].value
                names.extend(value if isinstance(value, list) else [value])
            return names
        except LDAPException as exc:
            raise Unavailable(
                f"the directory {self.config.url} cannot be reached ({type(exc).__name__}); "
                "API tokens keep working",
                code="directory_unavailable",
            ) from exc
        finally:
            with contextlib.suppress(LDAPException):
                connection.unbind()
