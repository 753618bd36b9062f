"""Each service reads only its own ``KAMLD_<SERVICE>_`` variables; ``KAMLD_HOME`` places its data."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from kamld_common.settings import ServiceSettings, kamld_home


class AlphaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_ALPHA_", extra="ignore")
    service_name: str = "alpha"
    port: int = 9001


class BetaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KAMLD_BETA_", extra="ignore")
    service_name: str = "beta"
    port: int = 9002


def test_each_service_reads_its_own_prefix(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAMLD_HOME", str(tmp_path))
    monkeypatch.setenv("KAMLD_ALPHA_PORT", "7001")
    monkeypatch.setenv("KAMLD_ALPHA_LOG_LEVEL", "debug")
    monkeypatch.setenv("KAMLD_BETA_DATABASE_URL", "postgresql+asyncpg://db.example/beta")
    alpha, beta = AlphaSettings(), BetaSettings()
    assert (alpha.port, alpha.log_level) == (7001, "debug")
    assert (beta.port, beta.log_level) == (9002, "info")
    assert beta.database_url == "postgresql+asyncpg://db.example/beta"
    assert alpha.database_url == f"sqlite+aiosqlite:///{tmp_path / 'alpha' / 'db.sqlite3'}"
    assert alpha.uses_sqlite and not beta.uses_sqlite


def test_data_dir_defaults_under_kamld_home(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAMLD_HOME", str(tmp_path / "home"))
    assert kamld_home() == tmp_path / "home"
    assert AlphaSettings().data_dir == tmp_path / "home" / "alpha"
    monkeypatch.setenv("KAMLD_ALPHA_DATA_DIR", str(tmp_path / "elsewhere"))
    assert AlphaSettings().data_dir == tmp_path / "elsewhere"


def test_kamld_home_defaults_to_the_user_directory(monkeypatch) -> None:
    monkeypatch.delenv("KAMLD_HOME", raising=False)
    assert kamld_home() == Path("~/.kamld").expanduser()


@pytest.mark.parametrize(
    "variable, value", [("KAMLD_ALPHA_PORT", "70000"), ("KAMLD_ALPHA_LOG_LEVEL", "loud")]
)
def test_bad_values_are_refused_naming_the_setting(monkeypatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        AlphaSettings()
    assert caught.value.errors()[0]["loc"] == (variable.removeprefix("KAMLD_ALPHA_").lower(),)


def test_generic_listen_address_is_only_a_fallback(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAMLD_HOME", str(tmp_path))
    monkeypatch.setenv("KAMLD_LISTEN_HOST", "0.0.0.0")
    monkeypatch.setenv("KAMLD_LISTEN_PORT", "7100")
    monkeypatch.setenv("KAMLD_BETA_PORT", "7002")
    alpha, beta = AlphaSettings(), BetaSettings()
    assert (alpha.host, alpha.port) == ("0.0.0.0", 7100)
    assert (beta.host, beta.port) == ("0.0.0.0", 7002)
    assert AlphaSettings(port=7003).port == 7003


def test_a_bad_generic_listen_port_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("KAMLD_LISTEN_PORT", "70000")
    with pytest.raises(ValidationError) as caught:
        AlphaSettings()
    assert caught.value.errors()[0]["loc"] == ("port",)
