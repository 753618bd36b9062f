"""Shared plumbing of the KAML-D services."""

from kamld_common.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    KamldError,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unavailable,
)

__all__ = [
    "BadRequest",
    "Conflict",
    "Forbidden",
    "Invalid",
    "KamldError",
    "NotFound",
    "PayloadTooLarge",
    "Unauthorized",
    "Unavailable",
]
