"""Every service's migrations form one line: two branches that each added a revision on the same
parent would leave two heads, and the service would refuse to start ("Multiple head revisions")."""

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = sorted(ROOT.glob("services/*/src/*/migrations"))


def test_every_service_with_state_has_migrations() -> None:
    assert {path.parts[-4] for path in MIGRATIONS} >= {
        "metadata-hub",
        "observation-hub",
        "storage-gateway",
        "trainer",
        "workbench-api",
    }


@pytest.mark.parametrize("migrations", MIGRATIONS, ids=lambda path: path.parts[-4])
def test_migrations_have_one_head(migrations: Path) -> None:
    heads = ScriptDirectory(str(migrations)).get_heads()
    assert len(heads) == 1, f"{migrations.relative_to(ROOT)} has heads {sorted(heads)}"
