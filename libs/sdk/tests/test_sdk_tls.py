"""The client's TLS settings: verified for https, and no CA bundle loaded for plain HTTP."""

from __future__ import annotations

import ssl

from kamld.client import tls_verification


def test_an_https_platform_is_verified_with_the_default_ca_bundle():
    assert tls_verification("https://kamld.example.com") is True
    assert tls_verification("HTTPS://kamld.example.com") is True


def test_a_plain_http_platform_gets_a_context_that_trusts_no_certificate():
    context = tls_verification("http://127.0.0.1:8080")
    assert isinstance(context, ssl.SSLContext)
    # Never a context that accepts any peer: verification stays on, and nothing is trusted.
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] == 0
