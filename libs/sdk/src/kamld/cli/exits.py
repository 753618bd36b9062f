"""Exit codes of ``kamld``: one per class of failure, so scripts can tell them apart.

Keyed on the client's error classes (the nearest base class decides); click's own usage errors
exit with 2 as well.
"""

from __future__ import annotations

from enum import IntEnum

from kamld import errors


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    """Anything not listed below: a local file problem, corrupt content, a server bug."""
    USAGE = 2
    """The command line or its input is invalid (a bad name, option or value)."""
    NOT_FOUND = 3
    """No such artifact, version, alias, file or token."""
    CONFLICT = 4
    """The state changed underneath, or a name is taken (``--expect``, ``--expect-parent``)."""
    DENIED = 5
    """No token, an unknown or revoked one, or a role that does not allow the operation."""
    UNAVAILABLE = 6
    """The platform did not answer, is not a KAML-D gateway, a service is down or failing, or it
    asks the client to slow down (429)."""
    LOCAL_CHANGES = 7
    """Local changes stand in the way; nothing was written."""
    DAMAGED = 8
    """A consistency check (``kamld admin verify``) found versions whose content is missing."""


EXIT_CODES: dict[type[errors.KamldClientError], ExitCode] = {
    errors.BadRequest: ExitCode.USAGE,
    errors.InvalidInput: ExitCode.USAGE,
    errors.PayloadTooLarge: ExitCode.USAGE,
    errors.NotFound: ExitCode.NOT_FOUND,
    errors.Conflict: ExitCode.CONFLICT,
    errors.Unauthorized: ExitCode.DENIED,
    errors.Forbidden: ExitCode.DENIED,
    errors.ServerError: ExitCode.UNAVAILABLE,
    errors.RateLimited: ExitCode.UNAVAILABLE,
    errors.ConnectionFailed: ExitCode.UNAVAILABLE,
    errors.NotAGateway: ExitCode.UNAVAILABLE,
    errors.LocalChangesError: ExitCode.LOCAL_CHANGES,
}


def exit_code_for(error: errors.KamldClientError) -> ExitCode:
    """The code of the nearest class of ``error`` that has one; :attr:`ExitCode.ERROR` otherwise."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return ExitCode.ERROR
