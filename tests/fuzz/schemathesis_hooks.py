"""Schemathesis hooks (loaded through ``SCHEMATHESIS_HOOKS``): how to send our own media types.

The chunk framing and the NDJSON commit body are documented as binary/string bodies; the fuzzer
sends what it generates for them as raw bytes, as a client writing such a body would.
"""

import schemathesis

schemathesis.serializer.alias(
    ["application/vnd.kamld.chunks", "application/x-ndjson"], "application/octet-stream"
)
