"""workbench-api settings (environment prefix ``KAMLD_WORKBENCH_API_``)."""

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from kamld_common.grants import check_transfer_key
from kamld_common.outbox import OutboxSettings
from kamld_workbench_api.auth.directory import LdapConfig
from kamld_workbench_api.auth.oidc import OidcConfig
from kamld_workbench_api.auth.schemas import Role


class Settings(OutboxSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_WORKBENCH_API_", extra="ignore")

    service_name: str = "workbench-api"
    port: int = 8080
    workers: int = Field(
        2,
        ge=1,
        le=64,
        description="Server processes sharing the port (the gateway is the busiest hop; they share "
        "cache invalidation through a file in data_dir)",
    )
    metadata_hub_url: str = Field("http://127.0.0.1:8081", description="Base URL of metadata-hub")
    s3_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Port of the read-only S3-compatible endpoint (8085 under kamld up and in the "
        "deployments); unset: not served",
    )
    s3_region: str = Field("us-east-1", description="Region the S3 endpoint reports for every bucket")
    storage_gateway_url: str = Field("http://127.0.0.1:8082", description="Base URL of storage-gateway")
    trainer_url: str = Field("http://127.0.0.1:8083", description="Base URL of trainer")
    resolution_cache_ttl_s: float = Field(
        1.0,
        ge=0,
        le=60,
        description="How old a resolved version this gateway serves from memory may be (0: never cached)",
    )
    listing_cache_mb: int = Field(
        64,
        ge=0,
        le=65536,
        description="Memory each worker keeps for pages of file listings, which never change for a "
        "committed manifest (0: none kept)",
    )
    bootstrap_admin_token: str | None = Field(
        None, description="Admin API token ensured at start (kamld up sets it; stored hashed)"
    )
    transfer_key: SecretStr | None = Field(
        None,
        description="Key signing direct transfer grants (at least 32 bytes); storage-gateway must hold "
        "the same one",
    )
    storage_public_url: str | None = Field(
        None,
        description="Where clients reach storage-gateway directly for chunk bytes; unset means every "
        "byte goes through this gateway",
    )
    transfer_grant_ttl_s: int = Field(
        600,
        gt=0,
        le=86400,
        description="How long a direct transfer grant stays valid: the longest a revoked API token's "
        "grants outlive it; a transfer renews its grant when it expires",
    )

    cors_origins: list[str] = Field(
        default_factory=list,
        description="Browser origins allowed to call the API cross-origin (CORS), e.g. "
        '`["https://ui.example.com"]`; empty (the default) sends no CORS headers',
    )
    max_json_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="Largest request body of the JSON routes; larger gets 413 before it is read",
    )
    max_streamed_body_bytes: int = Field(
        68_719_476_736,
        ge=1024,
        description="Largest body of the routes that stream content (chunk batches, whole files, "
        "chunks, the NDJSON commit); counted as it streams",
    )
    metadata_max_depth: int = Field(
        32,
        ge=1,
        le=32,
        description="Deepest nesting of lists and objects in version metadata (metadata-hub's own: 32)",
    )
    metadata_max_bytes: int = Field(
        262_144,
        ge=1,
        le=262_144,
        description="Largest version metadata, as compact JSON (metadata-hub's own: 256 KiB)",
    )
    rate_limit_per_s: float = Field(
        0.0,
        ge=0,
        description="Requests a second each API token may make, over all workers (0: unlimited); "
        "beyond it 429 with Retry-After",
    )
    rate_limit_burst: int = Field(
        100, ge=1, description="Requests a token may make at once before rate_limit_per_s paces it"
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer secret that may read /metrics and nothing else (for Prometheus); admin "
        "API tokens may read it too",
    )

    session_lifetime_s: int = Field(
        12 * 3600,
        ge=60,
        description="How long a Workbench sign-in (the browser's session cookie) lasts before the user "
        "signs in again; revoking the API token it was made with ends it at once",
    )
    oidc_issuer: str | None = Field(
        None,
        description="OpenID Connect issuer whose bearer JWTs the API accepts (its discovery document "
        "and keys are read from it); unset: only API tokens",
    )
    oidc_audience: str = Field(
        "kamld", description="The `aud` a JWT must carry to be accepted (the client id registered for KAML-D)"
    )
    oidc_user_claim: str = Field(
        "preferred_username",
        description="Claim naming the user (falls back to `sub`); the actor in the audit feed",
    )
    oidc_roles_claim: str = Field(
        "groups", description="Claim holding the user's groups (a list or a string)"
    )
    oidc_role_map: dict[str, Role] = Field(
        default_factory=dict,
        description='Groups of `oidc_roles_claim` to roles, e.g. `{"ml-admins": "admin", "ml": "editor"}`; '
        "the highest mapped role wins",
    )
    oidc_default_role: Role | None = Field(
        None, description="Role of a signed-in user whose groups map to none; unset: such users get 403"
    )
    oidc_leeway_s: float = Field(
        60.0, ge=0, le=600, description="Clock skew allowed on `exp`, `nbf` and `iat`"
    )
    oidc_jwks_cache_s: float = Field(
        300.0, ge=0, description="How long the issuer's signing keys are kept before they are read again"
    )
    oidc_jwks_min_refresh_s: float = Field(
        30.0,
        ge=0,
        description="Shortest time between two reads of the keys caused by an unknown key id (a rotation)",
    )

    ldap_url: str | None = Field(
        None,
        description="LDAP directory people sign in to the Workbench with (`ldap://` or `ldaps://`); "
        "unset: sign-in with API tokens only",
    )
    ldap_user_dn_template: str = Field(
        "uid={user},ou=people,dc=example,dc=org",
        description="A user's DN, `{user}` standing for the (escaped) user name",
    )
    ldap_group_base: str = Field("ou=groups,dc=example,dc=org", description="Where the groups are searched")
    ldap_group_filter: str = Field(
        "(&(objectClass=groupOfNames)(member={dn}))",
        description="The groups a user is in; `{dn}` and `{user}` are replaced (escaped)",
    )
    ldap_group_name_attribute: str = Field(
        "cn", description="The attribute naming a group in `ldap_role_map`"
    )
    ldap_role_map: dict[str, Role] = Field(
        default_factory=dict,
        description='Directory groups to roles, e.g. `{"ml-admins": "admin", "ml": "editor"}`; the highest '
        "mapped role wins",
    )
    ldap_default_role: Role | None = Field(
        None, description="Role of a directory user whose groups map to none; unset: such users get 403"
    )
    ldap_bind_dn: str | None = Field(
        None, description="Service account that reads a signed-in user's groups again (unset: anonymous)"
    )
    ldap_bind_password: SecretStr | None = Field(None, description="The service account's password")
    ldap_cache_s: float = Field(
        60.0,
        ge=0,
        le=86400,
        description="How long a directory user's role is kept before it is read again: the longest a "
        "user removed from a group keeps its role",
    )
    ldap_timeout_s: float = Field(5.0, gt=0, le=60, description="Connect and read timeout of each LDAP call")

    web_dir: Path | None = Field(
        None,
        description="The Workbench web UI's built assets, served at /; unset: the ones built into this "
        "package by make install (frontend/workbench)",
    )

    _check_transfer_key = field_validator("transfer_key")(check_transfer_key)

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_is_https(cls, issuer: str | None) -> str | None:
        """The issuer's keys decide who is admin: they must not travel over plain HTTP elsewhere."""
        if not issuer:
            return None
        if not issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError(
                f"oidc_issuer must be an https:// URL (plain http only on loopback), not {issuer!r}"
            )
        return issuer

    def oidc_config(self) -> OidcConfig | None:
        if self.oidc_issuer is None:
            return None
        return OidcConfig(
            issuer=self.oidc_issuer,
            audience=self.oidc_audience,
            user_claim=self.oidc_user_claim,
            roles_claim=self.oidc_roles_claim,
            role_map=self.oidc_role_map,
            default_role=self.oidc_default_role,
            leeway_s=self.oidc_leeway_s,
            jwks_cache_s=self.oidc_jwks_cache_s,
            jwks_min_refresh_s=self.oidc_jwks_min_refresh_s,
        )

    def ldap_config(self) -> LdapConfig | None:
        if self.ldap_url is None:
            return None
        return LdapConfig(
            url=self.ldap_url,
            user_dn_template=self.ldap_user_dn_template,
            group_base=self.ldap_group_base,
            group_filter=self.ldap_group_filter,
            group_name_attribute=self.ldap_group_name_attribute,
            role_map=self.ldap_role_map,
            default_role=self.ldap_default_role,
            bind_dn=self.ldap_bind_dn,
            bind_password=self.ldap_bind_password.get_secret_value() if self.ldap_bind_password else None,
            cache_s=self.ldap_cache_s,
            timeout_s=self.ldap_timeout_s,
        )

    @field_validator("storage_public_url")
    @classmethod
    def _public_url_is_http(cls, url: str | None) -> str | None:
        """Clients are handed this URL verbatim, so a typo must stop the start, not every push."""
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"storage_public_url must start with http:// or https://, not {url!r}")
        return url
