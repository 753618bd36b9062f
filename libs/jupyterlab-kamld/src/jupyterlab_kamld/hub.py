"""JupyterHub: give each single-user server ``KAMLD_URL`` and a KAML-D API token of its user.

In ``jupyterhub_config.py``::

    from jupyterlab_kamld.hub import HubSettings, post_stop_hook, pre_spawn_hook

    settings = HubSettings(
        gateway_url="http://workbench-api:8080",   # as the hub reaches the gateway
        user_url="https://kamld.example.org",      # as the single-user servers reach it
        admin_token_env="KAMLD_HUB_ADMIN_TOKEN",   # or admin_token_file="/etc/kamld/admin-token"
        groups={"ml-engineers": "editor"},
        users={"ada": "admin"},
        default_role="viewer",
    )
    c.Spawner.pre_spawn_hook = pre_spawn_hook(settings)
    c.Spawner.post_stop_hook = post_stop_hook(settings)

At each spawn the hook revokes the user's previous token (``jupyterhub-<user>``) if there is one,
issues a new one with the user's role through the gateway's ``/api/v1/tokens`` (as the admin
token), and sets ``KAMLD_URL`` and ``KAMLD_TOKEN`` in the server's environment. The stop hook
revokes it. A gateway that cannot be reached, or refuses, fails the spawn with a
:class:`KamldHubError` whose message JupyterHub shows to the user.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

ROLES = ("viewer", "editor", "admin")
"""KAML-D's roles, weakest first."""
TOKEN_PREFIX = "jupyterhub-"
TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
"""The names the gateway accepts for a token."""
RETRIED_STATUSES = frozenset({502, 503, 504})

log = logging.getLogger(__name__)


class KamldHubError(RuntimeError):
    """The user's KAML-D token could not be issued; the spawn fails with this message."""


class _Named(Protocol):
    name: str


class SpawnerLike(Protocol):
    """What the hooks use of a JupyterHub ``Spawner``."""

    environment: dict[str, Any]

    @property
    def user(self) -> Any: ...


def token_name(user: str) -> str:
    """``jupyterhub-<user>``; a user name the gateway would not accept as part of a token name is
    spelled with ``-`` for each such character and a short hash of the real name (so two users
    never share a token)."""
    name = TOKEN_PREFIX + user
    if TOKEN_NAME.match(name):
        return name
    digest = hashlib.sha256(user.encode()).hexdigest()[:10]
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", user)[: 127 - len(TOKEN_PREFIX) - len(digest) - 1]
    return f"{TOKEN_PREFIX}{safe}-{digest}"


@dataclass(frozen=True)
class HubSettings:
    """Where the gateway is, the admin token the hub issues tokens with, and who gets which role."""

    gateway_url: str
    """The gateway as the hub reaches it (``http://workbench-api:8080``)."""
    user_url: str | None = None
    """The gateway as the single-user servers reach it; ``gateway_url`` if not given."""
    admin_token_env: str | None = "KAMLD_HUB_ADMIN_TOKEN"
    """The environment variable of the hub holding an admin token (read at each spawn)."""
    admin_token_file: str | None = None
    """A file holding the admin token instead (read at each spawn, so a rotated Secret is seen)."""
    users: Mapping[str, str] = field(default_factory=dict)
    """JupyterHub user name -> role; wins over ``groups``."""
    groups: Mapping[str, str] = field(default_factory=dict)
    """JupyterHub group name -> role; a user in several gets the strongest."""
    default_role: str = "viewer"
    """The role of a user named in neither mapping."""
    timeout_s: float = 10.0
    """How long one gateway call may take (connecting: at most 5 s of it)."""
    attempts: int = 3
    """Tries per gateway call when it cannot be reached or answers 502/503/504."""
    retry_timeout_s: float = 30.0
    """The longest the retries of one call may take together."""
    transport: httpx.AsyncBaseTransport | None = None
    """For tests: the HTTP transport to the gateway."""

    def __post_init__(self) -> None:
        for role in [self.default_role, *self.users.values(), *self.groups.values()]:
            if role not in ROLES:
                raise ValueError(f"unknown KAML-D role {role!r}: use one of {', '.join(ROLES)}")
        if not self.admin_token_env and not self.admin_token_file:
            raise ValueError("set admin_token_env or admin_token_file: where the hub reads its admin token")

    @property
    def url_for_users(self) -> str:
        return (self.user_url or self.gateway_url).rstrip("/")

    def role(self, user: str, groups: Iterable[str] = ()) -> str:
        """The KAML-D role of ``user`` in ``groups``."""
        if user in self.users:
            return self.users[user]
        matched = [self.groups[group] for group in groups if group in self.groups]
        if matched:
            return max(matched, key=ROLES.index)
        return self.default_role

    def admin_token(self) -> str:
        """The hub's admin token, from the file or the environment variable; never logged."""
        if self.admin_token_file:
            try:
                token = Path(self.admin_token_file).read_text().strip()
            except OSError as exc:
                raise KamldHubError(f"KAML-D: cannot read the admin token file: {exc}") from None
            source = f"the file {self.admin_token_file}"
        else:
            assert self.admin_token_env is not None
            token = os.environ.get(self.admin_token_env, "").strip()
            source = f"the environment variable {self.admin_token_env}"
        if not token:
            raise KamldHubError(f"KAML-D: no admin token in {source}; the hub cannot issue user tokens")
        return token


def _group_names(user: Any) -> list[str]:
    groups: Iterable[_Named | str] = getattr(user, "groups", None) or []
    return [group if isinstance(group, str) else group.name for group in groups]


def _problem_detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body)
    return str(body)[:200]


class _Retry(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.status_code} {_problem_detail(response)}")
        self.response = response


async def _call(
    client: httpx.AsyncClient, settings: HubSettings, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    """One gateway call, tried again (stamina's backoff) while the gateway is unreachable or
    answers 502/503/504; :class:`KamldHubError` once the tries are spent."""
    import stamina  # a dependency of the kamld SDK this package uses

    url = f"{settings.gateway_url.rstrip('/')}/api/v1/{path}"
    try:
        async for attempt in stamina.retry_context(
            on=(httpx.TransportError, _Retry),
            attempts=settings.attempts,
            timeout=settings.retry_timeout_s,
            wait_initial=0.2,
            wait_max=5.0,
        ):
            with attempt:
                response = await client.request(method, url, **kwargs)
                if response.status_code in RETRIED_STATUSES:
                    raise _Retry(response)
                return response
    except httpx.TransportError as exc:
        raise KamldHubError(
            f"KAML-D: cannot reach the gateway at {settings.gateway_url} "
            f"({type(exc).__name__}: {exc or 'no answer'})"
        ) from None
    except _Retry as exc:
        raise KamldHubError(f"KAML-D: the gateway at {settings.gateway_url} answered {exc}") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _client(settings: HubSettings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 5.0)),
        transport=settings.transport,
        headers={"Authorization": f"Bearer {settings.admin_token()}", "Accept": "application/json"},
    )


async def revoke_token(settings: HubSettings, user: str, client: httpx.AsyncClient | None = None) -> bool:
    """Revoke ``user``'s hub token; False if there was none."""
    if client is None:
        async with _client(settings) as own:
            return await revoke_token(settings, user, own)
    name = token_name(user)
    response = await _call(client, settings, "DELETE", f"tokens/{name}")
    if response.status_code == 404:
        return False
    if response.status_code != 204:
        raise KamldHubError(
            f"KAML-D: the gateway refused to revoke the token {name!r} "
            f"({response.status_code} {_problem_detail(response)})"
        )
    return True


async def issue_token(settings: HubSettings, user: str, groups: Iterable[str] = ()) -> dict[str, Any]:
    """Replace ``user``'s hub token by a new one with the user's role; the gateway's answer
    (``name``, ``role``, the secret as ``token``)."""
    name, role = token_name(user), settings.role(user, groups)
    async with _client(settings) as client:
        await revoke_token(settings, user, client)
        response = await _call(client, settings, "POST", "tokens", json={"name": name, "role": role})
        if response.status_code != 201:
            raise KamldHubError(
                f"KAML-D: the gateway refused a {role} token for {user!r} "
                f"({response.status_code} {_problem_detail(response)})"
            )
        created: dict[str, Any] = response.json()
        return created


def pre_spawn_hook(settings: HubSettings) -> Callable[[SpawnerLike], Awaitable[None]]:
    """A ``c.Spawner.pre_spawn_hook``: a fresh token of the user's role in the server's environment."""

    async def hook(spawner: SpawnerLike) -> None:
        user = spawner.user
        created = await issue_token(settings, user.name, _group_names(user))
        spawner.environment["KAMLD_URL"] = settings.url_for_users
        spawner.environment["KAMLD_TOKEN"] = created["token"]
        log.info("KAML-D: token %s (%s) issued for %s", created["name"], created["role"], user.name)

    return hook


def post_stop_hook(settings: HubSettings) -> Callable[[SpawnerLike], Awaitable[None]]:
    """A ``c.Spawner.post_stop_hook``: revoke the user's token once the server stopped. A failure
    is logged, never raised (the server is stopped either way; the next spawn replaces the token)."""

    async def hook(spawner: SpawnerLike) -> None:
        name = spawner.user.name
        try:
            if await revoke_token(settings, name):
                log.info("KAML-D: token %s revoked", token_name(name))
        except KamldHubError as exc:
            log.warning("%s; the token %s stays valid until the next spawn", exc, token_name(name))

    return hook
