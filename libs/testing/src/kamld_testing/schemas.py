"""The wire shape of an OpenAPI schema: field names, types and which are required.

Two documents describe one model alike when :func:`shape` gives the same answer for both: titles,
descriptions, examples, defaults and validation details (lengths, patterns) are left out, since the
gateway documents rules its backends enforce, but a field renamed, retyped, added, dropped or made
optional on one side shows.
"""

from __future__ import annotations

from typing import Any

REF = "#/components/schemas/"


def shape(schema: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    """A comparable reduction of ``schema``; ``$ref``s are followed into ``schemas``."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        if name in seen:
            return f"<recursive {name}>"
        return shape(schemas[name], schemas, seen | {name})
    for combiner in ("anyOf", "oneOf", "allOf"):
        if combiner in schema:
            options = [shape(option, schemas, seen) for option in schema[combiner]]
            return {combiner: sorted(options, key=repr)}
    if "enum" in schema:
        return {"enum": sorted(schema["enum"], key=repr)}
    if "const" in schema:
        return {"enum": [schema["const"]]}
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        if "prefixItems" in schema:
            return {"tuple": [shape(item, schemas, seen) for item in schema["prefixItems"]]}
        return {"array": shape(items, schemas, seen) if items is not None else "any"}
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if not properties:
            extra = schema.get("additionalProperties", True)
            return {"map": shape(extra, schemas, seen) if isinstance(extra, dict) else "any"}
        return {
            "fields": {name: shape(value, schemas, seen) for name, value in sorted(properties.items())},
            "required": sorted(schema.get("required", [])),
        }
    if kind == "string" and schema.get("format") in ("date-time", "binary"):
        return f"string:{schema['format']}"
    return kind or "any"
