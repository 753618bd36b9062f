"""Reading storage-gateway's answers: JSON of a success, the typed error of a failure."""

from __future__ import annotations

from typing import Any

import httpx

from kamld.errors import error_from_response, json_of


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise error_from_response(response)
    return response


def _answer(response: httpx.Response) -> Any:
    """The parsed JSON of a successful answer; the typed error of a failed one."""
    return json_of(_check(response))


def _problem_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None
