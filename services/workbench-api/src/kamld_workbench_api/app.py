"""workbench-api: the public gateway (``/api/v1``), authentication and roles."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from kamld_common.app import add_readiness_check, create_service_app
from kamld_common.db import Database
from kamld_common.outbox import install_outbox
from kamld_workbench_api import __version__
from kamld_workbench_api.api import public_router
from kamld_workbench_api.auth.directory import LdapDirectory
from kamld_workbench_api.auth.gate import AuthenticationGate, gateway_caller
from kamld_workbench_api.auth.oidc import OidcVerifier
from kamld_workbench_api.auth.schemas import Role
from kamld_workbench_api.auth.service import TokenService
from kamld_workbench_api.auth.sessions import SessionSigner
from kamld_workbench_api.catalog.cache import VersionCache
from kamld_workbench_api.catalog.listings import ListingCache
from kamld_workbench_api.coalescing import ReadCoalescer
from kamld_workbench_api.config import Settings
from kamld_workbench_api.content.grants import GrantIssuer
from kamld_workbench_api.epochs import open_write_epochs
from kamld_workbench_api.events import OutboxLease, OutboxRecord
from kamld_workbench_api.limits.body import BodyLimitMiddleware, BodyLimits
from kamld_workbench_api.limits.rate import RateLimiter
from kamld_workbench_api.openapi import install_public_openapi
from kamld_workbench_api.s3.app import create_s3_app
from kamld_workbench_api.s3.dispatch import S3PortDispatch
from kamld_workbench_api.status.endpoints import router as status_router
from kamld_workbench_api.upstreams import install_upstreams
from kamld_workbench_api.web.endpoints import router as web_router

MIGRATIONS = Path(__file__).parent / "migrations"
BOOTSTRAP_TOKEN_NAME = "kamld-up"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    database = Database(settings.database_url, MIGRATIONS)
    # Counters shared by the workers: a write or a revocation in one is seen by every other at once.
    epochs = open_write_epochs(settings.data_dir / "write-epochs")
    tokens = TokenService(database, epochs=epochs)
    routers: list = [public_router, status_router]
    start_outbox, stop_outbox = install_outbox(settings, database, OutboxRecord, OutboxLease, __version__)

    async def start(app: FastAPI) -> None:
        if settings.bootstrap_admin_token:
            await tokens.ensure(BOOTSTRAP_TOKEN_NAME, settings.bootstrap_admin_token, Role.admin)
        upstreams = install_upstreams(app, settings)
        for name, client in upstreams.by_name().items():
            add_readiness_check(app, name, _healthz_of(client))

    async def stop(app: FastAPI) -> None:
        await app.state.upstreams.aclose()
        if app.state.oidc is not None:
            await app.state.oidc.aclose()

    app = create_service_app(
        settings=settings,
        version=__version__,
        title="KAML-D workbench-api",
        description="The public API of KAML-D.",
        routers=routers,
        on_startup=[start, start_outbox],
        on_shutdown=[stop, stop_outbox],
        public=True,
        database=database,
        actor_of=gateway_caller,
    )
    app.state.tokens = tokens
    app.state.grants = GrantIssuer.from_settings(settings)
    app.state.version_reads = ReadCoalescer()
    app.state.catalog_reads = ReadCoalescer()
    app.state.file_pages = ListingCache(settings.listing_cache_mb * 1024 * 1024)
    app.state.recent_versions = VersionCache(settings.resolution_cache_ttl_s, epochs=epochs)
    app.state.sessions = SessionSigner.for_service(
        settings.internal_token, settings.data_dir, settings.session_lifetime_s
    )
    install_public_openapi(app, __version__)
    # Last: its catch-all path answers every GET no other route took with the web UI.
    app.include_router(web_router)
    install_limits(app, settings, tokens, app.state.sessions)
    # Outermost, so a browser's preflight is answered before limits or authentication.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Range",
                "If-Range",
                "If-None-Match",
                "Cache-Control",
            ],
            expose_headers=["ETag", "Age", "Content-Range", "Accept-Ranges", "Retry-After"],
        )
    if settings.s3_port:
        app.add_middleware(
            S3PortDispatch, port=settings.s3_port, s3_app=create_s3_app(app, settings.s3_region)
        )
    return app


def install_limits(
    app: FastAPI, settings: Settings, tokens: TokenService, sessions: SessionSigner | None = None
) -> None:
    """Outermost, so they act on headers alone: the token first, then the body's size as it is read."""
    app.add_middleware(
        BodyLimitMiddleware,
        limits=BodyLimits(
            json_bytes=settings.max_json_body_bytes, streamed_bytes=settings.max_streamed_body_bytes
        ),
    )
    rate = None
    if settings.rate_limit_per_s > 0:
        rate = RateLimiter(
            settings.rate_limit_per_s, settings.rate_limit_burst, path=settings.data_dir / "rate-limits"
        )
    metrics_token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    oidc_config = settings.oidc_config()
    app.state.oidc = OidcVerifier(oidc_config) if oidc_config else None
    ldap_config = settings.ldap_config()
    app.state.directory = LdapDirectory(ldap_config) if ldap_config else None
    app.add_middleware(
        AuthenticationGate,
        tokens=tokens,
        rate=rate,
        metrics_token=metrics_token,
        internal_token=settings.internal_token,
        sessions=sessions,
        oidc=app.state.oidc,
        directory=app.state.directory,
    )


def _healthz_of(client):
    async def check() -> None:
        await client.get("/healthz", timeout=2.0)

    return check
