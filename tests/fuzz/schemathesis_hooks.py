"""Schemathesis hooks (loaded through ``SCHEMATHESIS_HOOKS``): how to send our own media types.

The chunk framing and the NDJSON commit body are documented as binary/string bodies; the fuzzer
sends what it generates for them as raw bytes, as a client writing such a body would.
"""

import schemathesis
from hypothesis.internal import lambda_sources

schemathesis.serializer.alias(
    ["application/vnd.kamld.chunks", "application/x-ndjson"], "application/octet-stream"
)

_describe_lambda = lambda_sources._lambda_description


def _lambda_description(*args, **kwargs):
    """Hypothesis parses a lambda's source to name it; on Python 3.11 before 3.11.8, ``ast.parse``
    deep in a stack can raise "AST constructor recursion depth mismatch" (CPython gh-106905), which
    would end the run with an error that has nothing to do with the API. A lambda without a name
    is good enough."""
    try:
        return _describe_lambda(*args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _lambda_description
