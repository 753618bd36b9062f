"""A time as the documents declare it: an ISO 8601 date-time with a time zone.

Pydantic also reads a number (``0.5``, ``"1700000000"``) as seconds since 1970, which the
``format: date-time`` the OpenAPI documents state does not allow, and which a user typing a time
never means: such a value is refused, naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _not_a_number(value: Any) -> Any:
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value.strip())):
        raise ValueError("give an ISO 8601 date-time with a time zone, such as 2026-12-07T09:30:00Z")
    return value


IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
