"""OpenAI-compatible profiles in Settings (add from a preset, rename, remove; a key each)
and in the provider picker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import aiohttp
import keyring
import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from gui.core.keychain import KeychainUnavailableError, SecretStore
from gui.core.provider_factory import ProviderFactory
from gui.core.settings import Settings
from gui.settings_controller import SettingsEditor
from gui.values import ProviderInfo
from gui.widgets.provider_picker import ProviderPicker
from tests.gui.core.conftest import FakeTest, MemoryKeyring
from tests.servers.openai import OpenAIEmulator, run_openai


@pytest.fixture
async def factory(settings: Settings, secrets: SecretStore) -> AsyncIterator[ProviderFactory]:
    async with aiohttp.ClientSession() as session:
        yield ProviderFactory(
            session,
            lambda info: settings.aprovider_config(info, secrets),
            profiles=settings.profiles,
        )


async def open_editor(
    qtbot: QtBot,
    factory: ProviderFactory,
    settings: Settings,
    secrets: SecretStore,
    test: FakeTest,
) -> SettingsEditor:
    editor = SettingsEditor(factory.infos(), settings, secrets, test)
    qtbot.addWidget(editor.dialog)
    editor.dialog.show()
    await editor.wait_loaded()
    return editor


def titles(editor: SettingsEditor) -> list[str]:
    pages = editor.dialog.page_list
    return [pages.item(i).text() for i in range(pages.count())]


def field(editor: SettingsEditor, name: str, label: str) -> QLineEdit:
    found = [
        w for w in editor.dialog.pages[name].findChildren(QLineEdit) if w.accessibleName() == label
    ]
    assert len(found) == 1, label
    return found[0]


def add(editor: SettingsEditor, preset: str) -> str:
    """Add profile… → a preset, as a person picks it from the menu."""
    menu = editor.dialog.add_profile_menu
    assert menu is not None
    [action] = [a for a in menu.actions() if a.text() == preset]
    before = set(editor.dialog.pages)
    action.trigger()
    [name] = set(editor.dialog.pages) - before
    return name


async def test_add_rename_and_remove_profiles(
    qtbot: QtBot,
    factory: ProviderFactory,
    settings: Settings,
    secrets: SecretStore,
    memory_keyring: MemoryKeyring,
    fake_test: FakeTest,
) -> None:
    editor = await open_editor(qtbot, factory, settings, secrets, fake_test)
    dialog = editor.dialog
    assert titles(editor) == [
        "General",
        "GigaChat",
        "OpenAI-compatible",
        "GPROChat",
        "GPTalk",
        "Tools",
    ]
    assert dialog.add_profile_menu is not None
    assert [a.text() for a in dialog.add_profile_menu.actions()] == [
        "OpenAI",
        "DeepSeek",
        "OpenRouter",
        "Ollama",
        "LM Studio",
        "New profile",
    ]
    first = field(editor, "openai", "Profile name")
    assert (first.text(), first.placeholderText()) == ("", "OpenAI-compatible")
    assert dialog.pages["openai"].remove_button is None  # the first one stays

    deepseek = add(editor, "DeepSeek")
    assert deepseek == "openai:deepseek"
    assert titles(editor)[2:4] == ["OpenAI-compatible", "DeepSeek"]  # beside its siblings
    assert dialog.stack.currentIndex() == 3  # its page is open
    assert field(editor, deepseek, "Base URL").text() == "https://api.deepseek.com/v1"
    assert field(editor, deepseek, "Models").text() == "deepseek-chat, deepseek-reasoner"
    field(editor, deepseek, "API key (optional)").setText("sk-deepseek")
    field(editor, deepseek, "Profile name").setText("DeepSeek (work)")
    assert titles(editor)[3] == "DeepSeek (work)"  # renamed as typed
    local = add(editor, "LM Studio")
    again = add(editor, "DeepSeek")
    assert (local, again) == ("openai:lm-studio", "openai:deepseek-2")
    page = dialog.pages[again]
    assert page.remove_button is not None
    page.remove_button.click()
    assert again not in dialog.pages
    assert titles(editor)[2:6] == ["OpenAI-compatible", "DeepSeek (work)", "LM Studio", "GPROChat"]
    field(editor, "openai", "API key (optional)").setText("sk-first")
    assert await editor.save_and_close()

    assert memory_keyring.entries == {
        ("besedka", "openai"): "sk-first",
        ("besedka", "openai:deepseek"): "sk-deepseek",
    }
    saved = Settings(settings.path)
    assert [(p.name, p.label) for p in saved.profiles()] == [
        ("openai", ""),
        ("openai:deepseek", "DeepSeek (work)"),
        ("openai:lm-studio", "LM Studio"),
    ]
    assert [info.label for info in factory.infos()][1:4] == [
        "OpenAI-compatible",
        "DeepSeek (work)",
        "LM Studio",
    ]
    assert factory.info("openai:deepseek").models == ("deepseek-chat", "deepseek-reasoner")
    assert "sk-" not in settings.path.read_text(encoding="utf-8")

    # Remove one, then Cancel: nothing changes; remove it and OK: its key goes with it.
    reopened = await open_editor(qtbot, factory, Settings(settings.path), secrets, fake_test)
    assert field(reopened, deepseek, "API key (optional)").text() == "sk-deepseek"
    button = reopened.dialog.pages[deepseek].remove_button
    assert button is not None
    button.click()
    reopened.dialog.reject()
    assert [p.name for p in Settings(settings.path).profiles()][1:] == [deepseek, local]
    last = await open_editor(qtbot, factory, Settings(settings.path), secrets, fake_test)
    button = last.dialog.pages[deepseek].remove_button
    assert button is not None
    button.click()
    assert await last.save_and_close()
    assert [p.name for p in Settings(settings.path).profiles()] == ["openai", local]
    assert ("besedka", deepseek) not in memory_keyring.entries
    assert memory_keyring.entries[("besedka", "openai")] == "sk-first"


async def test_test_connection_of_an_unsaved_profile_uses_its_page(
    qtbot: QtBot,
    factory: ProviderFactory,
    settings: Settings,
    secrets: SecretStore,
    fake_test: FakeTest,
) -> None:
    editor = await open_editor(qtbot, factory, settings, secrets, fake_test)
    name = add(editor, "OpenRouter")
    field(editor, name, "API key (optional)").setText("sk-or-test")
    await editor.run_test(name)
    assert fake_test.calls == [
        (name, {"base_url": "https://openrouter.ai/api/v1", "api_key": "sk-or-test"})
    ]
    page = editor.dialog.pages[name]
    assert page.result_label.text() == "OpenRouter: connected."  # named as its page


async def test_a_new_profile_is_tested_before_it_is_saved(
    qtbot: QtBot, factory: ProviderFactory, settings: Settings, secrets: SecretStore
) -> None:
    """The app's own test (the factory's) against a server, with the unsaved page."""
    async with run_openai(OpenAIEmulator(api_key="sk-local")) as server:
        editor = SettingsEditor(factory.infos(), settings, secrets, factory.test_connection)
        qtbot.addWidget(editor.dialog)
        await editor.wait_loaded()
        name = add(editor, "New profile")
        page = editor.dialog.pages[name]
        field(editor, name, "Profile name").setText("Мой сервер")
        field(editor, name, "Base URL").setText(server.base_url)
        await editor.run_test(name)
        assert page.result_label.text().startswith("Мой сервер: ")  # refused: no key yet
        assert page.result_ok is False
        field(editor, name, "API key (optional)").setText("sk-local")
        await editor.run_test(name)
        assert page.result_label.text() == "Мой сервер: connected, 2 models available."
    assert not settings.path.exists()


def picker_texts(picker: ProviderPicker) -> list[str]:
    box = picker.provider_box
    return [box.itemText(i) for i in range(box.count())]


async def test_the_picker_offers_every_profile_and_keeps_the_choice(
    qtbot: QtBot, factory: ProviderFactory, settings: Settings
) -> None:
    picker = ProviderPicker()
    qtbot.addWidget(picker)
    infos: list[ProviderInfo] = factory.infos()
    picker.set_providers(infos)
    assert picker_texts(picker)[:2] == ["GigaChat", "OpenAI-compatible"]

    from gui.core.profiles import Profile, profile_info

    work = profile_info(factory.info("openai"), Profile("openai:work", "Work", ("m1", "m2")))
    with_work = [*infos[:2], work, *infos[2:]]
    picker.set_providers(with_work)
    picker.select("openai:work", "m2")
    changes: list[tuple[str, str]] = []
    picker.changed.connect(lambda provider, model: changes.append((provider, model)))
    picker.set_providers(with_work)  # Settings saved: the choice stays
    assert (picker.provider(), picker.model()) == ("openai:work", "m2")
    assert changes == []
    assert picker_texts(picker)[2] == "Work"

    picker.set_providers(infos)  # the profile was removed: the first provider takes over
    assert picker.provider() == "gigachat"
    assert changes == [("gigachat", "GigaChat-2")]


# -- a real Secret Service ------------------------------------------------------------------


@pytest.fixture
def service() -> Iterator[str]:
    """A keychain service of our own (see tests/gui/core/test_keyring.py)."""
    name = f"besedka-test-{uuid.uuid4().hex[:12]}"
    probe = SecretStore(service=name)
    try:
        probe.set("probe", "x")
        probe.delete("probe")
    except KeychainUnavailableError as error:
        pytest.skip(f"no usable system keychain: {error} (run inside dbus-run-session)")
    yield name
    for username in ("openai", "openai:new-profile"):
        probe.delete(username)


@pytest.mark.keyring
async def test_two_profiles_two_keys_in_the_system_keychain(
    qtbot: QtBot, settings: Settings, fake_test: FakeTest, service: str
) -> None:
    """Saved through the dialog into gnome-keyring, each profile's key answers its server."""
    secrets = SecretStore(service=service)
    one, two = OpenAIEmulator(api_key="key-one"), OpenAIEmulator(api_key="key-two")
    async with aiohttp.ClientSession() as session, run_openai(one), run_openai(two):
        factory = ProviderFactory(
            session,
            lambda info: settings.aprovider_config(info, secrets),
            profiles=settings.profiles,
        )
        editor = await open_editor(qtbot, factory, settings, secrets, fake_test)
        field(editor, "openai", "Base URL").setText(one.base_url)
        field(editor, "openai", "API key (optional)").setText("key-one")
        name = add(editor, "New profile")
        field(editor, name, "Profile name").setText("Two")
        field(editor, name, "Base URL").setText(two.base_url)
        field(editor, name, "API key (optional)").setText("key-two")
        assert await editor.save_and_close()

        assert name == "openai:new-profile"
        assert keyring.get_password(service, "openai") == "key-one"
        assert keyring.get_password(service, name) == "key-two"
        for profile in ("openai", name):
            config = await settings.aprovider_config(factory.info(profile), secrets)
            result = await factory.test_connection(profile, config)
            assert result.ok and result.models == 2, result
        assert [r.headers["Authorization"] for r in one.requests][-1] == "Bearer key-one"
        assert [r.headers["Authorization"] for r in two.requests][-1] == "Bearer key-two"


async def test_profile_controls_have_accessible_names(
    qtbot: QtBot,
    factory: ProviderFactory,
    settings: Settings,
    secrets: SecretStore,
    fake_test: FakeTest,
) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QWidget

    editor = await open_editor(qtbot, factory, settings, secrets, fake_test)
    name = add(editor, "Ollama")
    dialog = editor.dialog
    controls = (QAbstractButton, QLineEdit, QComboBox)
    unnamed = [
        type(w).__name__
        for w in dialog.findChildren(QWidget)
        if isinstance(w, controls)
        and not isinstance(w.parent(), QComboBox | QAbstractSpinBox)  # their inner parts
        and not w.accessibleName()
    ]
    assert unnamed == []
    page = dialog.pages[name]
    assert page.remove_button is not None
    assert page.remove_button.accessibleName() == "Remove the profile Ollama"
    assert page.test_button.accessibleName() == "Test connection to Ollama"
