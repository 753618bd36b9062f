"""A service process always holds an internal token: configured, or the home's shared file."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from kamld_common.internal_token import ensure_internal_token, load_or_create
from kamld_common.settings import ServiceSettings


def test_processes_starting_together_on_one_home_agree_on_one_private_token(tmp_path: Path) -> None:
    path = tmp_path / "home" / "internal-token"
    with ProcessPoolExecutor(4) as pool:
        tokens = set(pool.map(load_or_create, [path] * 8))
    assert len(tokens) == 1 and len(tokens.pop()) >= 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir()] == ["internal-token"]  # no drafts left behind


def test_a_token_file_too_short_to_be_a_secret_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "internal-token"
    path.write_text("short\n")
    with pytest.raises(SystemExit, match="shorter than 32"):
        load_or_create(path)


def test_a_service_without_a_configured_token_takes_the_homes_and_hands_it_to_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAMLD_HOME", str(tmp_path))
    monkeypatch.setenv("KAMLD_INTERNAL_TOKEN", "")  # unset, and restored (removed) after the test
    settings = ServiceSettings()
    ensure_internal_token(settings)
    assert settings.internal_token == (tmp_path / "internal-token").read_text().strip()
    assert os.environ["KAMLD_INTERNAL_TOKEN"] == settings.internal_token

    configured = ServiceSettings(internal_token="c" * 40)
    ensure_internal_token(configured)
    assert configured.internal_token == "c" * 40
