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


def resolve(schema: Any, schemas: dict[str, Any]) -> Any:
    """``schema`` with a top-level ``$ref`` (into ``schemas``, by its last path part) followed."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _split_null(schema: dict[str, Any], schemas: dict[str, Any]) -> tuple[list[Any], bool]:
    """The non-null alternatives of ``schema`` and whether it admits null."""
    options = schema.get("anyOf") or schema.get("oneOf")
    if options is None:
        return [schema], schema.get("type") == "null"
    resolved = [resolve(option, schemas) for option in options]
    rest = [option for option in resolved if option.get("type") != "null"]
    return rest, len(rest) < len(resolved)


def reader_problems(
    reader: Any, reader_schemas: dict[str, Any], sent: Any, sent_schemas: dict[str, Any], where: str = "$"
) -> list[str]:
    """Where a client whose model is ``reader`` could not read a value the server documents as ``sent``.

    The reader may be more lenient (accept null, a string for an enum, default a field) but must
    name only fields the server sends, require only fields it always sends, and give every field a
    type the server's value fits. Every field the server always sends must be in the reader's model.
    """
    reader, sent = resolve(reader, reader_schemas), resolve(sent, sent_schemas)
    if not isinstance(reader, dict) or not reader or not isinstance(sent, dict) or not sent:
        return []
    readable, reader_null = _split_null(reader, reader_schemas)
    sent_options, sent_null = _split_null(sent, sent_schemas)
    problems = []
    if sent_null and not reader_null:
        problems.append(f"{where}: the server may send null, the client does not accept it")
    if len(readable) != 1 or len(sent_options) != 1:
        return problems
    reader, sent = readable[0], sent_options[0]
    if "enum" in sent or "const" in sent:
        values = sent.get("enum", [sent.get("const")])
        if "enum" in reader and not set(values) <= set(reader["enum"]):
            problems.append(f"{where}: the server may send {sorted(set(values) - set(reader['enum']))}")
        elif "enum" not in reader and reader.get("type") not in (None, "string"):
            problems.append(f"{where}: an enum of strings read as {reader.get('type')}")
        return problems
    reader_type, sent_type = reader.get("type"), sent.get("type")
    if reader_type is None:
        return problems
    if sent_type is None and "properties" in sent:
        sent_type = "object"
    if reader_type != sent_type and not (reader_type == "number" and sent_type == "integer"):
        return [*problems, f"{where}: the client reads {reader_type}, the server sends {sent_type}"]
    if reader_type == "array":
        return problems + reader_problems(
            reader.get("items", {}), reader_schemas, sent.get("items", {}), sent_schemas, where + "[]"
        )
    if reader_type != "object":
        return problems
    reader_fields, sent_fields = reader.get("properties", {}), sent.get("properties", {})
    if not reader_fields and not sent_fields:
        return problems + reader_problems(
            reader.get("additionalProperties", {}),
            reader_schemas,
            sent.get("additionalProperties", {}),
            sent_schemas,
            where + "{}",
        )
    sent_required = set(sent.get("required", []))
    for name in sorted(set(reader_fields) - set(sent_fields)):
        problems.append(f"{where}.{name}: the client reads a field the server does not send")
    for name in sorted(set(reader.get("required", [])) - sent_required):
        problems.append(f"{where}.{name}: the client requires a field the server may leave out")
    for name in sorted(sent_required - set(reader_fields)):
        problems.append(f"{where}.{name}: the server always sends it, the client's model lacks it")
    for name in sorted(set(reader_fields) & set(sent_fields)):
        problems += reader_problems(
            reader_fields[name], reader_schemas, sent_fields[name], sent_schemas, f"{where}.{name}"
        )
    return problems
