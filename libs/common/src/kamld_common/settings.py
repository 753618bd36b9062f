"""Settings base shared by every service.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix``
(``KAMLD_<SERVICE>_``), so one environment can configure all five without clashes.
``KAMLD_HOME`` is the one unprefixed variable every service reads (the data directory it defaults
into), besides ``KAMLD_LISTEN_HOST`` and ``KAMLD_LISTEN_PORT``: a fallback for ``host`` and ``port``
below the service's own variables, so one container image can set its listen address without
knowing which service it runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def kamld_home() -> Path:
    """The data directory of a local platform (``KAMLD_HOME``, default ``~/.kamld``)."""
    return Path(os.environ.get("KAMLD_HOME") or "~/.kamld").expanduser()


class ServiceSettings(BaseSettings):
    """What every service can be told from its environment."""

    model_config = SettingsConfigDict(env_prefix="KAMLD_", extra="ignore", env_nested_delimiter="__")

    service_name: str = "kamld"
    host: str = Field("127.0.0.1", description="Interface to listen on (0.0.0.0 in containers)")
    port: int = Field(8080, ge=1, le=65535, description="Port to listen on")
    workers: int = Field(1, ge=1, le=64, description="Server processes sharing the port")
    log_level: Literal["debug", "info", "warning", "error"] = Field("info", description="Lowest level logged")
    log_format: Literal["json", "console"] = Field(
        "json", description="JSON lines, or plain text for a terminal"
    )
    data_dir: Path = Field(
        default_factory=lambda fields: kamld_home() / fields["service_name"],
        description="Where this service keeps local state; default $KAMLD_HOME/<service>",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy async URL; default SQLite in data_dir, e.g. postgresql+asyncpg://host/db",
    )
    request_timeout_s: float = Field(10.0, gt=0, description="Timeout of calls to other services")
    internal_token: str | None = Field(
        None,
        description="Secret the platform's services share and present to each other; unset: the one in "
        "$KAMLD_HOME/internal-token (created by the first service started there)",
    )
    memory_release_idle_s: float = Field(
        2.0,
        ge=0,
        description="Hand freed heap memory back to the system once requests have stopped for this "
        "long (glibc only); 0 never does",
    )

    max_header_bytes: int = Field(
        65536,
        ge=1024,
        description="Largest request line plus headers accepted; larger requests get 431 and the "
        "connection is closed",
    )
    header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Time a client has to send a request's line and headers, counted from its first "
        "byte (or from connecting); later gets 408 and the connection is closed",
    )
    body_idle_timeout_s: float = Field(
        30.0,
        gt=0,
        description="Longest pause between two reads of a request body before 408 and the connection "
        "closes (time the server itself stops reading does not count)",
    )
    keep_alive_timeout_s: float = Field(
        75.0,
        gt=0,
        description="How long an idle connection stays open between requests (beyond the clients' "
        "pool timeouts, so no client reuses a connection the server is closing)",
    )

    @model_validator(mode="before")
    @classmethod
    def _listen_address_fallback(cls, data: Any) -> Any:
        """``KAMLD_LISTEN_HOST``/``_PORT`` fill ``host``/``port`` only where nothing more specific did."""
        if not isinstance(data, dict):
            return data
        for field, variable in (("host", "KAMLD_LISTEN_HOST"), ("port", "KAMLD_LISTEN_PORT")):
            value = os.environ.get(variable)
            if value and field not in data:
                data = {**data, field: value}
        return data

    @field_validator("port")
    @classmethod
    def _port_in_range(cls, port: int) -> int:
        """Checked here, not only on the field, because every service redeclares ``port`` with its default."""
        if not 1 <= port <= 65535:
            raise ValueError("port must be between 1 and 65535")
        return port

    @model_validator(mode="after")
    def _fill_defaults(self) -> ServiceSettings:
        self.data_dir = self.data_dir.expanduser()
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'db.sqlite3'}"
        return self

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
