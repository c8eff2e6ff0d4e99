"""Settings: one INI file of non-secret preferences, and provider constructor keywords."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.core.keychain import SecretStore
from gui.core.paths import AppPaths
from gui.core.settings import Proxy, Settings, is_http_url, resolve_proxy
from providers.base import Timeouts
from providers.gigachat import GigaChat
from providers.registry import DEFAULT_PROVIDER
from tests.gui.core.conftest import GIGACHAT, GPTALK, OPENAI, MemoryKeyring

KEY = "Settings-Test-Key-7f3a"


def test_fresh_profile_defaults(settings: Settings) -> None:
    assert settings.language == "system"
    assert settings.theme == "system"
    assert settings.last_provider == DEFAULT_PROVIDER
    assert settings.last_model == "GigaChat-2" == GigaChat.default_model
    assert settings.connect_timeout == 15
    assert settings.read_timeout == 60
    assert settings.timeouts() == Timeouts(connect=15, read=60)
    assert settings.tray_icon is False
    assert settings.proxy("gigachat") == Proxy("none", "")
    assert settings.field(GIGACHAT, "scope") == "GIGACHAT_API_PERS"
    assert not settings.path.exists()  # nothing is written until save()


def test_everything_survives_a_restart(settings: Settings, paths: AppPaths) -> None:
    settings.language = "ru"
    settings.theme = "dark"
    settings.tray_icon = True
    settings.connect_timeout = 5
    settings.read_timeout = 120
    settings.set_last_choice("openai", "gpt-4o-mini")
    settings.set_field(GIGACHAT, "scope", "GIGACHAT_API_B2B")
    settings.set_field(GIGACHAT, "base_url", "https://example.test/api/v1?x=%41")
    settings.set_proxy("gigachat", Proxy("url", "http://proxy.test:3128"))
    settings.save()

    again = Settings(paths.settings_file)

    assert paths.settings_file.is_file()
    assert [p.name for p in paths.config_dir.iterdir()] == ["besedka.ini"]
    assert again.language == "ru"
    assert again.theme == "dark"
    assert again.tray_icon is True
    assert again.timeouts() == Timeouts(connect=5, read=120)
    assert (again.last_provider, again.last_model) == ("openai", "gpt-4o-mini")
    assert again.field(GIGACHAT, "scope") == "GIGACHAT_API_B2B"
    assert again.field(GIGACHAT, "base_url") == "https://example.test/api/v1?x=%41"
    assert again.proxy("gigachat") == Proxy("url", "http://proxy.test:3128")
    assert again.proxy("openai") == Proxy("none", "")


def test_secret_fields_are_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="secret"):
        settings.set_field(GIGACHAT, "api_key", KEY)
    with pytest.raises(ValueError, match="secret"):
        settings.field(GIGACHAT, "api_key")
    settings.save()
    assert KEY not in settings.path.read_text(encoding="utf-8")


def test_unknown_fields_are_refused(settings: Settings) -> None:
    with pytest.raises(KeyError):
        settings.set_field(GIGACHAT, "password", "x")
    with pytest.raises(KeyError):
        settings.set_field(GIGACHAT, "proxy_url", "http://x")


def test_a_damaged_file_falls_back_to_defaults(paths: AppPaths) -> None:
    paths.settings_file.write_text(
        "[general]\nlanguage = klingon\ntheme = neon\nconnect_timeout = soon\n"
        "read_timeout = -4\ntray_icon = maybe\n"
        "[provider:gigachat]\nscope = ROOT\nbase_url = ftp://nope\n"
        "proxy_mode = url\nproxy_url = not a url\n",
        encoding="utf-8",
    )
    settings = Settings(paths.settings_file)

    assert settings.language == "system"
    assert settings.theme == "system"
    assert settings.timeouts() == Timeouts(connect=15, read=60)
    assert settings.tray_icon is False
    assert settings.field(GIGACHAT, "scope") == "GIGACHAT_API_PERS"
    assert settings.field(GIGACHAT, "base_url") == "https://gigachat.devices.sberbank.ru/api/v1"
    assert settings.proxy("gigachat") == Proxy("none", "")


def test_a_file_that_is_not_ini_does_not_stop_the_app(paths: AppPaths) -> None:
    paths.settings_file.write_bytes(b"\xff\xfe garbage without sections")
    settings = Settings(paths.settings_file)
    assert settings.language == "system"
    settings.theme = "light"
    settings.save()
    assert Settings(paths.settings_file).theme == "light"


def test_invalid_values_are_rejected_when_set(settings: Settings) -> None:
    with pytest.raises(ValueError, match="language"):
        settings.language = "xx"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="seconds"):
        settings.connect_timeout = 0
    with pytest.raises(ValueError, match="seconds"):
        settings.read_timeout = float("nan")
    with pytest.raises(ValueError, match="proxy"):
        settings.set_proxy("gigachat", Proxy("url", "socks6://127.0.0.1:1080"))
    with pytest.raises(ValueError, match="proxy"):
        settings.set_proxy("gigachat", Proxy("url", "socks5://alice:pw@127.0.0.1:1080"))


def test_a_socks_proxy_is_kept(settings: Settings, paths: AppPaths) -> None:
    settings.set_proxy("gigachat", Proxy("url", "socks5h://127.0.0.1:1080"))
    settings.save()
    assert Settings(paths.settings_file).proxy("gigachat") == Proxy(
        "url", "socks5h://127.0.0.1:1080"
    )


async def test_provider_config_combines_fields_key_and_proxy(
    settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, KEY)
    settings.set_field(GIGACHAT, "scope", "GIGACHAT_API_CORP")
    settings.set_proxy("gigachat", Proxy("url", "http://proxy.test:3128"))

    config = await settings.aprovider_config(GIGACHAT, secrets)

    assert config == {
        "api_key": KEY,
        "scope": "GIGACHAT_API_CORP",
        "base_url": "https://gigachat.devices.sberbank.ru/api/v1",
        "auth_url": "https://ngw.devices.sberbank.ru:9443/api/v2/oauth",
        "proxy": "http://proxy.test:3128",
    }
    # Empty values (no CA file, no key, no proxy) are left out: provider defaults apply.
    assert (await settings.aprovider_config(OPENAI, secrets)) == {
        "base_url": "https://api.openai.com/v1"
    }
    assert (await settings.aprovider_config(GPTALK, secrets)) == {}


async def test_provider_config_takes_the_environment_key_first(
    settings: Settings, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, KEY)
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "key-from-environment")

    assert (await settings.aprovider_config(GIGACHAT, secrets))["api_key"] == "key-from-environment"


async def test_system_proxy_follows_the_environment_and_no_proxy(
    settings: Settings, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = SecretStore(memory_keyring)
    monkeypatch.setenv("https_proxy", "http://corporate.test:8080")
    monkeypatch.setenv("http_proxy", "http://plain.test:8080")
    settings.set_proxy("gigachat", Proxy("system"))

    assert (await settings.aprovider_config(GIGACHAT, secrets))[
        "proxy"
    ] == "http://corporate.test:8080"

    settings.set_field(GIGACHAT, "base_url", "http://127.0.0.1:8000/api/v1")
    assert (await settings.aprovider_config(GIGACHAT, secrets))["proxy"] == "http://plain.test:8080"

    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    assert "proxy" not in (await settings.aprovider_config(GIGACHAT, secrets))


def test_no_system_proxy_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_proxy(Proxy("system"), "https://example.test") is None
    assert resolve_proxy(Proxy("none", "http://left.over:1"), "https://example.test") is None
    assert resolve_proxy(Proxy("url", "http://p.test:1"), "") == "http://p.test:1"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("https://gigachat.devices.sberbank.ru/api/v1", True),
        ("http://127.0.0.1:8080", True),
        ("ftp://example.test", False),
        ("example.test", False),
        ("https://", False),
        ("http://host:notaport", False),
        ("", False),
    ],
)
def test_http_url_check(text: str, ok: bool) -> None:
    assert is_http_url(text) is ok


def test_save_is_atomic_and_leaves_no_temporary_files(settings: Settings, tmp_path: Path) -> None:
    for theme in ("light", "dark", "system"):
        settings.theme = theme  # type: ignore[assignment]
        settings.save()
    assert sorted(p.name for p in settings.path.parent.iterdir()) == ["besedka.ini"]
    assert "besedka.ini" in repr(settings)


async def test_environment_variables_are_read_one_way_for_every_setting(
    settings: Settings, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Key or not, a variable is stripped, and a blank one counts as unset."""
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, KEY)
    settings.set_field(GIGACHAT, "scope", "GIGACHAT_API_B2B")
    monkeypatch.setenv("GIGACHAT_SCOPE", "  GIGACHAT_API_CORP \n")
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", " key-from-environment ")

    config = await settings.aprovider_config(GIGACHAT, secrets)
    assert (config["scope"], config["api_key"]) == ("GIGACHAT_API_CORP", "key-from-environment")

    monkeypatch.setenv("GIGACHAT_SCOPE", "   ")
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "")
    config = await settings.aprovider_config(GIGACHAT, secrets)
    assert (config["scope"], config["api_key"]) == ("GIGACHAT_API_B2B", KEY)
