"""storage-gateway (and the metadata-hub it reports to) as real processes, for the transfer tests."""

from kamld_testing.storage_processes import (  # noqa: F401 - pytest finds fixtures by name
    any_gateway,
    gateway,
    metadata_hub,
    postgres_gateway,
)
