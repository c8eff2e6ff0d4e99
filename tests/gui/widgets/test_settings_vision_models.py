"""Settings → an OpenAI-compatible profile's page: "Models that see images" (issue #19),
typed, saved with OK into the settings file (never the keychain), read back by the
attachment check, and never passed to the provider's constructor."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from gui.core import attachments
from gui.core.keychain import SecretStore
from gui.core.profiles import parse_models
from gui.core.provider_factory import ProviderFactory
from gui.core.proxies import Proxy
from gui.core.settings import Settings, assemble_config
from gui.settings_controller import SettingsEditor
from tests.gui.core.conftest import FakeTest, MemoryKeyring


@pytest.fixture
async def factory(settings: Settings, secrets: SecretStore) -> AsyncIterator[ProviderFactory]:
    async with aiohttp.ClientSession() as session:
        yield ProviderFactory(
            session,
            lambda info: settings.aprovider_config(info, secrets),
            profiles=settings.profiles,
        )


async def test_the_profile_page_marks_the_models_that_see_images(
    qtbot: QtBot,
    factory: ProviderFactory,
    settings: Settings,
    secrets: SecretStore,
    memory_keyring: MemoryKeyring,
    fake_test: FakeTest,
) -> None:
    editor = SettingsEditor(factory.infos(), settings, secrets, fake_test)
    qtbot.addWidget(editor.dialog)
    editor.dialog.show()
    await editor.wait_loaded()
    page = editor.dialog.pages["openai"]
    [box] = [
        w for w in page.findChildren(QLineEdit) if w.accessibleName() == "Models that see images"
    ]
    assert box.text() == ""
    editor.dialog.page_list.setCurrentRow(2)  # the OpenAI-compatible page, as a click opens it
    box.setText("qwen2.5-coder, my-vision")
    keep = os.environ.get("ATTACH_SHOTS")
    if keep:
        editor.dialog.grab().save(str(Path(keep) / "settings-vision-models.png"))
    assert await editor.save_and_close()

    saved = Settings(settings.path)  # what a restart reads
    info = factory.info("openai")
    text = saved.field(info, "vision_models")
    assert parse_models(text) == ("qwen2.5-coder", "my-vision")
    assert "my-vision" in settings.path.read_text(encoding="utf-8")
    assert all("my-vision" not in str(value) for value in memory_keyring.entries.values())
    assert "vision_models" not in assemble_config(info, saved.field_values(info), {}, Proxy())
    assert attachments.vision("openai", "my-vision", parse_models(text)) == "sees"
    assert attachments.vision("openai", "qwen2.5-coder:7b", parse_models(text)) == "blind"
