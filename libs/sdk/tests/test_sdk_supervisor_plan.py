"""What ``kamld up`` hands each service: the transfer key both grant services share, and the public URL."""

from __future__ import annotations

from pathlib import Path

from kamld.supervisor import plan

WB, SG = "KAMLD_WORKBENCH_API_", "KAMLD_STORAGE_GATEWAY_"


def envs(home: Path, environ: dict[str, str]) -> dict[str, dict[str, str]]:
    return {spec.name: dict(spec.env) for spec in plan(home, port_base=9100, environ=environ)}


def test_workbench_and_storage_share_a_fresh_key_and_clients_are_sent_to_storage(tmp_path: Path) -> None:
    first, second = envs(tmp_path, {}), envs(tmp_path, {})
    key = first["workbench-api"][WB + "TRANSFER_KEY"]
    assert first["storage-gateway"][SG + "TRANSFER_KEY"] == key
    assert len(key.encode()) >= 32
    assert second["workbench-api"][WB + "TRANSFER_KEY"] != key  # one per run
    assert first["workbench-api"][WB + "STORAGE_PUBLIC_URL"] == "http://127.0.0.1:9102"
    for other in ("metadata-hub", "trainer", "observation-hub"):
        assert not [name for name in first[other] if name.endswith(("TRANSFER_KEY", "PUBLIC_URL"))]


def test_the_public_url_follows_a_moved_storage_gateway(tmp_path: Path) -> None:
    moved = envs(tmp_path, {SG + "PORT": "9555"})
    assert moved["workbench-api"][WB + "STORAGE_PUBLIC_URL"] == "http://127.0.0.1:9555"


def test_what_the_user_set_wins(tmp_path: Path) -> None:
    mine = "m" * 40
    chosen = envs(tmp_path, {SG + "TRANSFER_KEY": mine, WB + "STORAGE_PUBLIC_URL": "https://storage.example"})
    assert chosen["storage-gateway"][SG + "TRANSFER_KEY"] == mine
    assert chosen["workbench-api"][WB + "TRANSFER_KEY"] == mine  # the other side gets the same key
    assert chosen["workbench-api"][WB + "STORAGE_PUBLIC_URL"] == "https://storage.example"


def test_every_service_gets_the_homes_internal_token_kept_private_and_reused(tmp_path: Path) -> None:
    first = envs(tmp_path, {})
    tokens = {first[name][f"KAMLD_{name.upper().replace('-', '_')}_INTERNAL_TOKEN"] for name in first}
    assert len(tokens) == 1
    (token,) = tokens
    stored = tmp_path / "internal-token"
    assert stored.read_text().strip() == token and len(token) >= 32
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert envs(tmp_path, {})["trainer"]["KAMLD_TRAINER_INTERNAL_TOKEN"] == token  # kept across runs


def test_an_internal_token_the_user_set_goes_to_every_service(tmp_path: Path) -> None:
    mine = "i" * 40
    chosen = envs(tmp_path, {"KAMLD_METADATA_HUB_INTERNAL_TOKEN": mine})
    assert {
        env[f"KAMLD_{name.upper().replace('-', '_')}_INTERNAL_TOKEN"] for name, env in chosen.items()
    } == {mine}
