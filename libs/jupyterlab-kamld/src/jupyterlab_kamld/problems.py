"""Problem details (RFC 9457) shaped as the platform answers them, for the extension's own errors."""

from __future__ import annotations

from typing import Any

from kamld.errors import ConnectionFailed, KamldClientError, LocalChangesError, ServerError

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://kamld.dev/problems/"
"""The platform's problem type base (``kamld_common.errors``), so a client reads both alike."""

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Invalid input",
    502: "Bad gateway",
    504: "Gateway timeout",
}


class Problem(Exception):
    """An error the server extension answers itself, as problem details."""

    def __init__(self, status: int, code: str, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field

    def body(self) -> dict[str, Any]:
        body = problem(self.status, self.code, self.detail)
        if self.field is not None:
            body["errors"] = [{"loc": ["body", self.field], "msg": self.detail, "type": self.code}]
        return body


def problem(status: int, code: str, detail: str) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + code,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }


def from_client_error(error: KamldClientError) -> dict[str, Any]:
    """The problem an SDK error stands for: the platform's own when it answered one, else built here."""
    if error.problem.get("code") and error.problem.get("status"):
        return dict(error.problem)
    if isinstance(error, ConnectionFailed):
        status = 502
    elif isinstance(error, LocalChangesError):
        status = 409
    elif error.status is not None:
        status = error.status
    else:
        status = 502 if isinstance(error, ServerError) else 422
    return {**problem(status, error.code, error.detail), **error.problem}
