"""A real OpenID Connect issuer for tests: RSA keys it makes itself, its discovery document and
JWKS served over HTTP, and tokens it signs; it can rotate its keys and go down like a real one."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def new(cls) -> SigningKey:
        return cls(uuid.uuid4().hex[:12], rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        assert isinstance(public, dict)
        return {**public, "kid": self.kid, "use": "sig", "alg": "RS256"}


class OidcIssuer:
    """Serves ``/.well-known/openid-configuration`` and ``/jwks`` on a loopback port."""

    def __init__(self, audience: str = "kamld") -> None:
        self.audience = audience
        self.keys: list[SigningKey] = [SigningKey.new()]
        self.jwks_reads = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                if self.path == "/.well-known/openid-configuration":
                    body: dict[str, Any] = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks"}
                elif self.path == "/jwks":
                    issuer.jwks_reads += 1
                    body = {"keys": [key.jwk() for key in issuer.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None
        self.start()

    def start(self) -> None:
        """Serve (again, on the same port after :meth:`stop`)."""
        if self._thread is not None:
            return
        if self._server.socket.fileno() < 0:
            port = int(self.url.rsplit(":", 1)[1])
            self._server = ThreadingHTTPServer(("127.0.0.1", port), self._server.RequestHandlerClass)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Go down: connections to the port are refused until :meth:`start`."""
        if self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._thread = None

    def rotate(self, keep_old: bool = False) -> SigningKey:
        """A new signing key, published first; the old ones stay published only with ``keep_old``."""
        key = SigningKey.new()
        self.keys = [key, *self.keys] if keep_old else [key]
        return key

    def token(
        self,
        subject: str = "alice",
        groups: list[str] | None = None,
        *,
        key: SigningKey | None = None,
        expires_in: float = 300,
        **claims: Any,
    ) -> str:
        """A JWT as the identity provider would issue it; ``claims`` override or add any claim."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.url,
            "aud": self.audience,
            "sub": subject,
            "preferred_username": subject,
            "groups": groups or [],
            "iat": now,
            "exp": now + int(expires_in),
            **claims,
        }
        signer = key or self.keys[0]
        return jwt.encode(payload, signer.private, algorithm="RS256", headers={"kid": signer.kid})
