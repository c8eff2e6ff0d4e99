"""Settings → Test connection: four outcomes, four different plain messages."""

from __future__ import annotations

from pathlib import Path

from gui.core.provider_factory import ProviderFactory
from tests.servers.gigachat import GigaChatEmulator


async def test_success_wrong_key_wrong_ca_and_unreachable_differ(
    factory: ProviderFactory,
    gigachat: GigaChatEmulator,
    gigachat_config: dict[str, str],
    closed_port: int,
    tmp_path: Path,
) -> None:
    ok, success = await factory.test_connection("gigachat", gigachat_config)
    assert ok
    assert "connected" in success

    wrong_key = dict(gigachat_config, api_key="d3Jvbmc6a2V5")  # base64 of "wrong:key"
    ok, key_message = await factory.test_connection("gigachat", wrong_key)
    assert not ok
    assert "credentials doesn't match" in key_message
    assert "Settings" in key_message

    no_ca = {k: v for k, v in gigachat_config.items() if k != "ca_bundle"}
    ok, ca_message = await factory.test_connection("gigachat", no_ca)
    assert not ok
    assert "certificate" in ca_message.lower()

    dead = dict(
        gigachat_config,
        auth_url=f"https://127.0.0.1:{closed_port}/api/v2/oauth",
        base_url=f"https://127.0.0.1:{closed_port}/api/v1",
    )
    ok, dead_message = await factory.test_connection("gigachat", dead)
    assert not ok
    assert "cannot connect" in dead_message

    messages = [success, key_message, ca_message, dead_message]
    assert len(set(messages)) == 4
    assert all(message.startswith("GigaChat") for message in messages)
    assert gigachat.valid_key not in " ".join(messages)


async def test_no_key_and_an_unreadable_ca_file_are_reported_plainly(
    factory: ProviderFactory,
    gigachat_config: dict[str, str],
    tmp_path: Path,
    monkeypatch: object,
) -> None:
    import os

    os.environ.pop("GIGACHAT_CREDENTIALS", None)
    no_key = {k: v for k, v in gigachat_config.items() if k != "api_key"}
    ok, message = await factory.test_connection("gigachat", no_key)
    assert not ok
    assert "no key" in message

    bad_ca = tmp_path / "not-a-certificate.pem"
    bad_ca.write_text("hello", encoding="utf-8")
    ok, message = await factory.test_connection(
        "gigachat", dict(gigachat_config, ca_bundle=str(bad_ca))
    )
    assert not ok
    assert "CA file" in message
