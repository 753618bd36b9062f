"""SQL for the Trino engine, built and checked without a server.

A reference ``'NAME:REF/PATH'`` is already pinned to one version; for Trino it becomes a view
over a Hive external table whose location is a folder of that version on KAML-D's S3 endpoint
(``s3://ARTIFACT/vN/FOLDER/``), filtered by the hidden ``"$path"`` column to exactly the files the
reference resolved to. The query text is then rewritten: each reference written as a table (after
``FROM``, ``JOIN``, or a comma of a ``FROM`` list) becomes the view's qualified name; the same
text as a string literal elsewhere is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from kamld_storage_gateway.query.engine import QueryFailed
from kamld_storage_gateway.query.references import ResolvedTable

FIELD = ["body", "sql"]
_CLAUSE_ENDS = frozenset(
    {
        "where",
        "group",
        "having",
        "order",
        "limit",
        "offset",
        "fetch",
        "union",
        "except",
        "intersect",
        "window",
        "qualify",
        "select",
        "values",
    }
)
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


@dataclass(frozen=True)
class Token:
    kind: str  # "string", "ident" (double-quoted), "word", "comment", "space", "other"
    text: str
    start: int

    @property
    def value(self) -> str:
        """A quoted token's content, its doubled quotes undone."""
        quote = self.text[0]
        return self.text[1:-1].replace(quote * 2, quote)


_TOKEN = re.compile(
    r"""(?P<string>'(?:[^']|'')*')
      |(?P<ident>"(?:[^"]|"")*")
      |(?P<comment>--[^\n]*|/\*.*?\*/)
      |(?P<space>\s+)
      |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
      |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def tokens(sql: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup or "other"
        yield Token(kind, match.group(), match.start())


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def rewrite_references(sql: str, views: Mapping[str, str]) -> str:
    """``sql`` with every reference written as a table replaced by its view's qualified name.

    A table position is right after ``FROM`` or ``JOIN``, or after a comma of a ``FROM`` list at
    the same parenthesis depth. A reference the query names but never writes as a table is an
    error: it could not be read as the check understood it.
    """
    out: list[str] = []
    depth = 0
    in_from: set[int] = set()
    previous: Token | None = None
    used: set[str] = set()
    for token in tokens(sql):
        text = token.text
        if (
            token.kind in ("string", "ident")
            and previous is not None
            and _table_position(previous, depth, in_from)
        ):
            name = token.value
            if name in views:
                text = views[name]
                used.add(name)
        elif token.kind == "word":
            word = token.text.lower()
            if word == "from":
                in_from.add(depth)
            elif word in _CLAUSE_ENDS:
                in_from.discard(depth)
        elif token.text == "(":
            depth += 1
        elif token.text == ")":
            in_from.discard(depth)
            depth -= 1
        out.append(text)
        if token.kind not in ("space", "comment"):
            previous = token
    missing = sorted(set(views) - used)
    if missing:
        raise QueryFailed(
            f"reference {missing[0]!r} is not written as a table (FROM or JOIN) where the Trino engine "
            "can place it",
            field=FIELD,
        )
    return "".join(out)


def _table_position(previous: Token, depth: int, in_from: set[int]) -> bool:
    if previous.kind == "word":
        return previous.text.lower() in ("from", "join")
    return previous.text == "," and depth in in_from


def trino_type(arrow: pa.DataType, column: str) -> str:
    """The Trino type of an Arrow column type (Parquet and JSON Lines tables keep their types)."""
    if pa.types.is_boolean(arrow):
        return "boolean"
    if pa.types.is_int8(arrow) or pa.types.is_uint8(arrow):
        return "tinyint" if pa.types.is_int8(arrow) else "smallint"
    if pa.types.is_int16(arrow) or pa.types.is_uint16(arrow):
        return "smallint" if pa.types.is_int16(arrow) else "integer"
    if pa.types.is_int32(arrow):
        return "integer"
    if pa.types.is_integer(arrow):
        return "bigint"
    if pa.types.is_float16(arrow) or pa.types.is_float32(arrow):
        return "real"
    if pa.types.is_float64(arrow):
        return "double"
    if pa.types.is_decimal(arrow):
        return f"decimal({arrow.precision},{arrow.scale})"
    if pa.types.is_string(arrow) or pa.types.is_large_string(arrow) or pa.types.is_null(arrow):
        return "varchar"
    if pa.types.is_binary(arrow) or pa.types.is_large_binary(arrow):
        return "varbinary"
    if pa.types.is_date(arrow):
        return "date"
    if pa.types.is_timestamp(arrow):
        precision = {"s": 0, "ms": 3, "us": 6, "ns": 9}[arrow.unit]
        return f"timestamp({precision})"
    if pa.types.is_list(arrow) or pa.types.is_large_list(arrow):
        return f"array({trino_type(arrow.value_type, column)})"
    if pa.types.is_struct(arrow):
        fields = ", ".join(f"{quote_identifier(f.name)} {trino_type(f.type, column)}" for f in arrow)
        return f"row({fields})"
    raise QueryFailed(f"column {column!r} has a type the Trino engine cannot read: {arrow}", field=FIELD)


def location(table: ResolvedTable, path: str) -> str:
    """The S3 URL of ``path`` of the table's exact version on KAML-D's S3 endpoint."""
    return f"s3://{table.artifact}/v{table.number}/{path}"


def folder(paths: Sequence[str]) -> str:
    """The deepest folder holding every path (``""``: the version's root)."""
    parts = [path.split("/")[:-1] for path in paths]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if any(segment != segments[0] for segment in segments):
            break
        common.append(segments[0])
    return "".join(segment + "/" for segment in common)


@dataclass(frozen=True)
class TableDDL:
    """The statements that make one resolved table readable by Trino, and undo it."""

    create_table: str
    create_view: str
    drop: list[str]
    view: str


def table_ddl(catalog: str, schema: str, index: int, table: ResolvedTable, arrow: pa.Schema) -> TableDDL:
    """An external table over the files' folder and a view of exactly those files, typed as
    ``arrow`` (the schema the in-process reader infers: CSV columns are read as text by Hive and
    cast in the view)."""
    qualified = f"{quote_identifier(catalog)}.{quote_identifier(schema)}"
    table_name = f"{qualified}.{quote_identifier(f't{index}')}"
    view_name = f"{qualified}.{quote_identifier(f'v{index}')}"
    text = table.format in ("csv", "tsv")
    columns = []
    selected = []
    for field in arrow:
        name = quote_identifier(field.name.lower())
        wanted = trino_type(field.type, field.name)
        columns.append(f"{name} {'varchar' if text else wanted}")
        if text and wanted != "varchar":
            selected.append(f"CAST(NULLIF({name}, '') AS {wanted}) AS {name}")
        else:
            selected.append(name)
    if not columns:
        raise QueryFailed(f"reference {table.reference.text!r} has no columns", field=FIELD)
    properties = [
        f"external_location = {quote_literal(location(table, folder([f.path for f in table.files])))}"
    ]
    if text:
        properties += ["format = 'CSV'", "skip_header_line_count = 1"]
        if table.format == "tsv":
            properties.append("csv_separator = '\t'")
    else:
        properties.append("format = 'PARQUET'" if table.format == "parquet" else "format = 'JSON'")
    files = ", ".join(quote_literal(location(table, entry.path)) for entry in table.files)
    return TableDDL(
        create_table=f"CREATE TABLE {table_name} ({', '.join(columns)}) WITH ({', '.join(properties)})",
        create_view=(
            f"CREATE VIEW {view_name} AS SELECT {', '.join(selected)} FROM {table_name} "
            f'WHERE "$path" IN ({files})'
        ),
        drop=[f"DROP VIEW IF EXISTS {view_name}", f"DROP TABLE IF EXISTS {table_name}"],
        view=view_name,
    )


def data_size(text: str) -> str:
    """A memory limit as Trino writes data sizes (``1GB`` -> ``1000000000B``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    unit = (match[2] if match else "").lower() or "b"
    if match is None or unit not in _UNITS:
        raise ValueError(f"not a data size: {text!r}")
    return f"{int(float(match[1]) * _UNITS[unit])}B"


def wrap(sql: str) -> str:
    """``sql`` as a subquery: Trino parses only a query there, so no other statement can run."""
    return f"SELECT * FROM (\n{sql.strip().rstrip(';')}\n) AS kamld_engine"
