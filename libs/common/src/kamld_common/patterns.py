"""The grammar of names, references, digests and paths, as JSON Schema patterns.

One source for the OpenAPI documents of the gateway and of the services that enforce these rules
(metadata-hub's ``references``, ``kamld_content.paths``), so a client or a fuzzer generated from
any document knows which values are valid. The services check with their own code, which names the
rule a value breaks; these patterns describe the same rules.
"""

from __future__ import annotations

NAME = r"^[a-z0-9][a-z0-9._-]{0,127}$"
"""An artifact name."""

ALIAS = r"^(?!v[0-9]+$)(?![0-9a-f]{8,64}$)[a-z][a-z0-9._-]{0,62}$"
"""An alias: it may read neither as a version number (``v3``) nor as a digest prefix (8+ hex)."""

SETTABLE_ALIAS = r"^(?!latest$)" + ALIAS[1:]
"""An alias a user may set or delete: not ``latest``, which every push moves."""

REF = (
    r"^(?:[vV]?(?!0+$)[0-9]{1,7}|(?:blake3:)?[0-9a-fA-F]{8,64}|(?![vV][0-9]+$)[a-zA-Z][a-zA-Z0-9._-]{0,62})$"
)
"""A version reference: ``v3`` or ``3``, a digest prefix of 8+ hex characters, or an alias."""

REF_OR_LATEST = "^(?:" + REF[1:-1] + ")?$"
"""A version reference, or nothing for ``latest``."""

NAME_REF = NAME[:-1] + "(?::" + REF[1:-1] + ")?$"
"""``NAME[:REF]``."""

FILE_REF = NAME[:-1] + "(?::" + REF[1:-1] + ")?/[^\x00]+$"
"""``NAME[:REF]/PATH``: one file of a version (the path is checked as a path where it is used)."""

DIGEST = r"^blake3:[0-9a-f]{64}$"
UPLOAD_ID = r"^[0-9a-f]{32}$"
ROLE = r"^(?!parent$)[a-z][a-z0-9_]{0,31}$"
"""The role of an input (``parent`` is reserved for versions of the same artifact)."""

LABEL_KEY = r"^[a-z0-9](?:[a-z0-9._/-]{0,61}[a-z0-9])?$"
LABEL_FILTER = LABEL_KEY[:-1] + r"(?:=.*)?$"
"""``KEY`` or ``KEY=VALUE``."""

NO_NUL = r"^[^\x00]*$"

_SEGMENT = r"[^/\\\x00-\x1f\x7f-\x9f]{1,255}"
PATH = rf"^(?!\.\.(?:/|$))(?!.*/\.\.(?:/|$)){_SEGMENT}(?:/{_SEGMENT})*$"
"""A file path: relative, components of 1-255 characters, no ``..``, control character or backslash."""

VERSION_CURSOR = r"^(?:v?[0-9]{1,9})?$"
EVENT_CURSOR = r"^[0-9]{0,18}$"
WEBHOOK_URL = (
    r"^https?://(?:[A-Za-z0-9._~%!$&'()*+,;=:-]*@)?[A-Za-z0-9._~%!$&'()*+,;=-]+(?::[0-9]{1,5})?"
    r"(?:[/?#][!-~]*)?$"
)
"""An http(s) URL in printable ASCII (an IDN as punycode, other characters percent-encoded) with a
host name or IPv4 address."""

POSITIVE_ID_CURSOR = r"^(?:[1-9][0-9]{0,17})?$"
"""A cursor of ids that start at 1 (observation-hub's events)."""
UUID_CURSOR = r"^(?:[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})?$"
"""A cursor that is a UUID (trainer's runs)."""
