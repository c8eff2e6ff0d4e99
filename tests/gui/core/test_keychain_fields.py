"""One keychain entry per secret field: the key keeps the entry it always had."""

from __future__ import annotations

import pytest

from gui.core.keychain import SecretStore, entry_name, hold_secret_environment, secret_variables
from gui.core.provider_info import describe
from gui.core.settings import Settings
from providers.gigachat import GigaChat
from tests.gui.core.conftest import MemoryKeyring

GIGACHAT = describe(GigaChat)


def test_entry_names() -> None:
    assert entry_name(GIGACHAT) == "gigachat"
    assert entry_name(GIGACHAT, "api_key") == "gigachat"  # the first secret: as before
    assert entry_name(GIGACHAT, "password") == "gigachat/password"
    assert entry_name(GIGACHAT, "key_file_password") == "gigachat/key_file_password"
    assert entry_name("openai:work") == "openai:work"


def test_each_secret_is_stored_apart(memory_keyring: MemoryKeyring) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, "the-key")
    secrets.set(GIGACHAT, "the-password", field="password")
    secrets.set(GIGACHAT, "the-token", field="access_token")
    assert memory_keyring.entries == {
        ("besedka", "gigachat"): "the-key",
        ("besedka", "gigachat/password"): "the-password",
        ("besedka", "gigachat/access_token"): "the-token",
    }
    assert secrets.get(GIGACHAT, field="api_key") == "the-key"
    assert secrets.lookup(GIGACHAT, field="password") == ("the-password", "keychain")
    secrets.delete(GIGACHAT, field="password")
    assert secrets.get(GIGACHAT, field="password") is None
    assert secrets.get(GIGACHAT) == "the-key"
    secrets.keep_for_session(GIGACHAT, "in-memory", field="key_file_password")
    assert secrets.lookup(GIGACHAT, field="key_file_password") == ("in-memory", "session")
    assert ("besedka", "gigachat/key_file_password") not in memory_keyring.entries


def test_every_secret_variable_is_held_out_of_the_environment(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    names = set(secret_variables())
    assert {
        "GIGACHAT_CREDENTIALS",
        "GIGACHAT_ACCESS_TOKEN",
        "GIGACHAT_PASSWORD",
        "GIGACHAT_KEY_FILE_PASSWORD",
        "OPENAI_API_KEY",
    } <= names
    assert "GIGACHAT_USER" not in names  # a user name is no secret
    monkeypatch.setenv("GIGACHAT_PASSWORD", "password-from-the-environment")
    held = hold_secret_environment()
    assert held == {"GIGACHAT_PASSWORD": "password-from-the-environment"}
    secrets = SecretStore(memory_keyring, environment=held)
    secrets.set(GIGACHAT, "saved-password", field="password")
    assert secrets.lookup(GIGACHAT, field="password") == (
        "password-from-the-environment",
        "environment",
    )
    assert secrets.env_name(GIGACHAT, "password") == "GIGACHAT_PASSWORD"


async def test_only_the_chosen_login_is_read_and_sent(
    settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, "the-key")
    secrets.set(GIGACHAT, "the-password", field="password")

    config = await settings.aprovider_config(GIGACHAT, secrets)
    assert config == {
        "auth_method": "authorization_key",
        "api_key": "the-key",
        "scope": "GIGACHAT_API_PERS",
        "base_url": "https://api.giga.chat/v1",
        "auth_url": "https://ngw.devices.sberbank.ru:9443/api/v2/oauth",
    }
    settings.set_field(GIGACHAT, "auth_method", "password")
    settings.set_field(GIGACHAT, "user", "besedka")
    config = await settings.aprovider_config(GIGACHAT, secrets)
    assert config == {
        "auth_method": "password",
        "user": "besedka",
        "password": "the-password",
        "base_url": "https://api.giga.chat/v1",  # the provider takes the old host for it
    }
    settings.set_field(GIGACHAT, "auth_method", "nonsense")  # a damaged file: the default
    assert (await settings.aprovider_config(GIGACHAT, secrets))["api_key"] == "the-key"
