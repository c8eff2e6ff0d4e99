"""OpenAI-compatible profiles: names the history keeps, sections in the settings file,
one provider each in the factory, OPENAI_BASE_URL for the session only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from gui.core.keychain import SecretStore, hold_secret_environment
from gui.core.paths import AppPaths
from gui.core.profiles import (
    PRESETS,
    Profile,
    base_of,
    is_profile,
    new_profile_name,
    parse_models,
    profile_info,
)
from gui.core.provider_factory import ProviderFactory
from gui.core.provider_info import describe
from gui.core.settings import Settings
from providers.openai_compat import DEFAULT_BASE_URL, OpenAICompatible
from tests.gui.core.conftest import MemoryKeyring, files_containing
from tests.servers.openai import OpenAIEmulator, run_openai

KEY = "Profile-Key-c81d2e"


@pytest.fixture(autouse=True)
def no_openai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def factory_for(
    http: aiohttp.ClientSession, settings: Settings, secrets: SecretStore
) -> ProviderFactory:
    """As the app builds it: configs from the settings and keychain, the saved profiles."""
    return ProviderFactory(
        http, lambda info: settings.aprovider_config(info, secrets), profiles=settings.profiles
    )


def add_profile(settings: Settings, name: str, **values: str) -> None:
    """What Settings → Add profile and OK do to the file."""
    info = profile_info(describe(OpenAICompatible), Profile(name))
    for field, value in values.items():
        settings.set_field(info, field, value)


def test_names_slugs_and_model_lists() -> None:
    assert is_profile("openai") and is_profile("openai:deep-seek-2")
    assert not is_profile("openai:") and not is_profile("openai:Bad Name")
    assert not is_profile("gigachat")
    assert base_of("openai:work") == "openai" and base_of("gigachat") == "gigachat"
    assert new_profile_name("DeepSeek", {"openai"}) == "openai:deepseek"
    assert new_profile_name("LM Studio", {"openai:lm-studio"}) == "openai:lm-studio-2"
    assert new_profile_name("Мой сервер", set()) == "openai:profile"  # no ASCII: a word
    assert parse_models(" gpt-4o-mini, gpt-4o  gpt-4o ,, ") == ("gpt-4o-mini", "gpt-4o")
    presets = {preset.key: preset for preset in PRESETS}
    assert presets["openai"].base_url == "https://api.openai.com/v1"
    assert presets["deepseek"].base_url == "https://api.deepseek.com/v1"
    assert presets["openrouter"].base_url == "https://openrouter.ai/api/v1"
    assert (presets["ollama"].base_url, presets["ollama"].needs_key) == (DEFAULT_BASE_URL, False)
    assert (presets["lmstudio"].base_url, presets["lmstudio"].needs_key) == (
        "http://127.0.0.1:1234/v1",
        False,
    )


async def test_profiles_are_providers_of_their_own(
    http: aiohttp.ClientSession, settings: Settings, secrets: SecretStore, paths: AppPaths
) -> None:
    factory = factory_for(http, settings, secrets)
    # A profile saved before profiles existed: the first one, named "openai" as it was.
    assert settings.profiles() == [Profile("openai")]
    assert factory.names() == ["gigachat", "openai", "gprochat", "gptalk"]
    first = factory.info("openai")
    assert (first.label, first.profile_of, first.removable) == (
        "OpenAI-compatible",
        "openai",
        False,
    )
    assert factory.cls("openai") is OpenAICompatible

    add_profile(
        settings,
        "openai:deepseek",
        label="DeepSeek",
        base_url="https://api.deepseek.com/v1",
        models="deepseek-chat, deepseek-reasoner",
    )
    add_profile(settings, "openai:lm-studio", base_url="http://127.0.0.1:1234/v1")
    settings.save()
    again = factory_for(http, Settings(paths.settings_file), secrets)

    assert again.names() == [
        "gigachat",
        "openai",
        "openai:deepseek",
        "openai:lm-studio",
        "gprochat",
        "gptalk",
    ]
    deepseek = again.info("openai:deepseek")
    assert (deepseek.label, deepseek.models, deepseek.default_model) == (
        "DeepSeek",
        ("deepseek-chat", "deepseek-reasoner"),
        "deepseek-chat",
    )
    assert deepseek.removable and deepseek.secret_field is not None
    assert again.info("openai:lm-studio").label == "lm-studio"  # no name given: its slug
    assert again.cls("openai:deepseek") is OpenAICompatible
    with pytest.raises(KeyError):
        again.info("openai:gone")
    config = await Settings(paths.settings_file).aprovider_config(deepseek, secrets)
    assert config["base_url"] == "https://api.deepseek.com/v1"
    instance = await again.get("openai:deepseek")
    assert instance.label == "DeepSeek"  # its errors name the profile
    assert OpenAICompatible.label == "OpenAI-compatible"

    settings = Settings(paths.settings_file)
    settings.remove_profile("openai:lm-studio")
    with pytest.raises(ValueError, match="first profile"):
        settings.remove_profile("openai")
    assert [p.name for p in settings.profiles()] == ["openai", "openai:deepseek"]


async def test_each_profile_has_its_own_keychain_entry(
    http: aiohttp.ClientSession, settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    secrets = SecretStore(memory_keyring)
    factory = factory_for(http, settings, secrets)
    add_profile(settings, "openai:work", label="Work")
    secrets.set(factory.info("openai"), "first-key")
    secrets.set(factory.info("openai:work"), KEY)

    assert memory_keyring.entries == {
        ("besedka", "openai"): "first-key",  # where the key was before profiles
        ("besedka", "openai:work"): KEY,
    }
    assert (await factory.get("openai"))._api_key == "first-key"  # type: ignore[attr-defined]
    assert (await factory.get("openai:work"))._api_key == KEY  # type: ignore[attr-defined]


async def test_openai_base_url_makes_a_profile_for_the_session_only(
    http: aiohttp.ClientSession,
    settings: Settings,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    basedir: object,
) -> None:
    """As openai-python: OPENAI_BASE_URL with OPENAI_API_KEY, or the URL alone."""
    secrets = SecretStore(memory_keyring)
    factory = factory_for(http, settings, secrets)
    secrets.set(factory.info("openai"), "saved-key-for-the-saved-host")
    settings.set_field(factory.info("openai"), "base_url", "http://127.0.0.1:11434/v1")

    # The key alone is OpenAI's: it does not go to the saved host.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-environment-key")
    config = await settings.aprovider_config(factory.info("openai"), secrets)
    assert config["api_key"] == "saved-key-for-the-saved-host"

    monkeypatch.setenv("OPENAI_BASE_URL", "https://llm.example.test/v1")
    held = hold_secret_environment()  # as at start-up: the key leaves the environment
    assert held == {"OPENAI_API_KEY": "sk-environment-key"}
    secrets = SecretStore(memory_keyring, environment=held)
    factory = factory_for(http, settings, secrets)
    config = await settings.aprovider_config(factory.info("openai"), secrets)
    assert (config["base_url"], config["api_key"]) == (
        "https://llm.example.test/v1",
        "sk-environment-key",
    )

    # The URL alone: a local server that takes no key; the saved key is not sent there.
    secrets = SecretStore(memory_keyring)
    config = await settings.aprovider_config(factory.info("openai"), secrets)
    assert config["base_url"] == "https://llm.example.test/v1" and "api_key" not in config

    # Other profiles never read the environment.
    add_profile(settings, "openai:work", base_url="http://127.0.0.1:1234/v1")
    work = await settings.aprovider_config(factory.info("openai:work"), secrets)
    assert work == {"base_url": "http://127.0.0.1:1234/v1"}
    settings.save()
    assert "llm.example.test" not in settings.path.read_text(encoding="utf-8")
    assert files_containing(settings.path.parent, "sk-environment-key") == []


async def test_two_profiles_answer_in_two_chats(
    http: aiohttp.ClientSession, settings: Settings, memory_keyring: MemoryKeyring
) -> None:
    """Two endpoints, two keys, two chats through the window's controller."""
    from gui.controller import ChatController
    from gui.core.store import MessageStatus, Store
    from tests.gui.conftest import wait_for

    secrets = SecretStore(memory_keyring)
    one = OpenAIEmulator(api_key="key-one", reply="Ответ первого сервера.")
    two = OpenAIEmulator(api_key="key-two", reply="Second server here.", models=["qwen3"])
    store = Store.open(settings.path.parent / "history.sqlite3")
    async with run_openai(one), run_openai(two):
        factory = factory_for(http, settings, secrets)
        settings.set_field(factory.info("openai"), "base_url", one.base_url)
        add_profile(settings, "openai:two", label="Two", base_url=two.base_url, models="qwen3")
        secrets.set(factory.info("openai"), "key-one")
        secrets.set(factory.info("openai:two"), "key-two")
        controller = ChatController(store, factory)
        finished: list[object] = []
        controller.reply_finished.connect(finished.append)
        try:
            controller.set_provider(None, "openai", "llama3.2")
            first = controller.send("Привет")
            await wait_for(lambda: len(finished) == 1)
            controller.set_provider(None, "openai:two", "qwen3")
            second = controller.send("Hello", controller.new_conversation().id)
            await wait_for(lambda: len(finished) == 2)
            assert first is not None and second is not None and first != second
            replies = {
                store.get_conversation(c).provider: store.messages(c)[-1] for c in (first, second)
            }
            assert {name: m.text for name, m in replies.items()} == {
                "openai": "Ответ первого сервера.",
                "openai:two": "Second server here.",
            }
            assert all(m.status == MessageStatus.COMPLETE for m in replies.values())
            assert [r.headers["Authorization"] for r in one.requests] == ["Bearer key-one"]
            assert [r.headers["Authorization"] for r in two.requests] == ["Bearer key-two"]
            assert two.requests[0].body["model"] == "qwen3"
            assert await factory.models("openai:two") == ["qwen3"]
        finally:
            await controller.shutdown()
            store.close()
