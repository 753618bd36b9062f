"""The gateway's metadata limits can only lower metadata-hub's own: a larger one would promise
what the catalog then refuses."""

import pytest
from pydantic import ValidationError

from kamld_workbench_api.config import Settings


@pytest.mark.parametrize(("field", "value"), [("metadata_max_bytes", 262_145), ("metadata_max_depth", 33)])
def test_a_limit_above_the_catalogs_is_refused(field: str, value: int) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(**{field: value})


def test_lower_limits_are_taken() -> None:
    settings = Settings(metadata_max_bytes=1024, metadata_max_depth=4)
    assert (settings.metadata_max_bytes, settings.metadata_max_depth) == (1024, 4)
