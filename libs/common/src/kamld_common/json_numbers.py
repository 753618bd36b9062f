"""Numbers as JSON Schema means them: never a boolean; an integer is a number with no fraction
(``3`` or ``3.0``).

Pydantic's strict mode refuses ``3.0``, which JSON Schema counts as an integer; its lax mode takes
``false`` as 0, which JSON Schema does not. This is the rule in between.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


JsonInt = Annotated[int, BeforeValidator(_not_a_boolean)]
JsonNumber = Annotated[float, BeforeValidator(_not_a_boolean)]
