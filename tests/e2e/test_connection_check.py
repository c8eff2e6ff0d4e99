"""Settings → Test connection: four outcomes, four different results, as data the
settings dialog words (provider label, what failed, the server's own words)."""

from __future__ import annotations

from pathlib import Path

from gui.core.errors import english
from gui.core.provider_factory import ProviderFactory
from gui.values import ConnectionResult
from tests.servers.gigachat import GigaChatEmulator


async def test_success_wrong_key_wrong_ca_and_unreachable_differ(
    factory: ProviderFactory,
    gigachat: GigaChatEmulator,
    gigachat_config: dict[str, str],
    closed_port: int,
    tmp_path: Path,
) -> None:
    success = await factory.test_connection("gigachat", gigachat_config)
    assert success.ok
    assert success.provider == "GigaChat"
    # GigaChat lists its models: the test asks for the list, and counts it.
    assert success.models is not None and success.models > 0
    assert success.error is None

    wrong_key = dict(gigachat_config, api_key="d3Jvbmc6a2V5")  # base64 of "wrong:key"
    key = await factory.test_connection("gigachat", wrong_key)
    assert not key.ok and key.error is not None
    assert key.error.kind == "auth"
    assert "credentials doesn't match" in key.error.detail
    assert "Settings" in english(key.error)

    no_ca = {k: v for k, v in gigachat_config.items() if k != "ca_bundle"}
    ca = await factory.test_connection("gigachat", no_ca)
    assert not ca.ok and ca.error is not None
    assert ca.error.kind in ("certificate", "untrusted_server")
    assert "certificate" in english(ca.error).lower()

    dead = dict(
        gigachat_config,
        auth_url=f"https://127.0.0.1:{closed_port}/api/v2/oauth",
        base_url=f"https://127.0.0.1:{closed_port}/api/v1",
    )
    unreachable = await factory.test_connection("gigachat", dead)
    assert not unreachable.ok and unreachable.error is not None
    assert unreachable.error.kind == "network"
    assert "cannot connect" in english(unreachable.error)

    failures = [key.error, ca.error, unreachable.error]
    assert len({(e.kind, e.reason) for e in failures}) == 3
    results: list[ConnectionResult] = [success, key, ca, unreachable]
    assert all(result.provider == "GigaChat" for result in results)
    assert all(error.provider == "GigaChat" for error in failures)  # the label, not "gigachat"
    assert gigachat.valid_key not in repr(results)


async def test_no_key_and_an_unreadable_ca_file_are_reported_plainly(
    factory: ProviderFactory,
    gigachat_config: dict[str, str],
    tmp_path: Path,
    monkeypatch: object,
) -> None:
    import os

    os.environ.pop("GIGACHAT_CREDENTIALS", None)
    no_key = {k: v for k, v in gigachat_config.items() if k != "api_key"}
    result = await factory.test_connection("gigachat", no_key)
    assert not result.ok and result.error is not None
    assert result.error.kind == "missing_key"
    assert result.error.reason == "no_key_env"

    bad_ca = tmp_path / "not-a-certificate.pem"
    bad_ca.write_text("hello", encoding="utf-8")
    result = await factory.test_connection("gigachat", dict(gigachat_config, ca_bundle=str(bad_ca)))
    assert not result.ok and result.error is not None
    assert result.error.provider == "GigaChat"
    assert "CA file" in english(result.error)
