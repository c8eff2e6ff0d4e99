"""Against a real Secret Service: keys survive a restart and never reach a file.

Run inside a private session bus with gnome-keyring (see .ci/run, or):
    dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets
        >/dev/null; .venv/bin/pytest -m keyring tests/settings'
Without a reachable keychain these tests skip, naming the reason.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import keyring
import pytest
from aiohttp import web
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from gui.core.keychain import KeychainUnavailableError, SecretStore
from gui.core.paths import AppPaths
from gui.core.settings import Settings
from gui.settings_controller import SettingsEditor
from gui.values import ConnectionResult, ErrorInfo
from gui.widgets.settings_dialog import SettingsDialog
from tests.gui.core.conftest import (
    GIGACHAT,
    OPENAI,
    PROVIDERS,
    FakeTest,
    files_containing,
    profile_bytes,
)
from tests.servers.loopback import serve

pytestmark = pytest.mark.keyring


@pytest.fixture
def service() -> Iterator[str]:
    """A keychain service of our own, so a developer's real Besedka keys are never touched."""
    name = f"besedka-test-{uuid.uuid4().hex[:12]}"
    probe = SecretStore(service=name)
    secret = uuid.uuid4().hex
    try:
        probe.set("probe", secret)  # says why when there is no usable keychain
        read_back = probe.get("probe")
        probe.delete("probe")
    except KeychainUnavailableError as error:
        pytest.skip(f"no usable system keychain: {error} (run inside dbus-run-session)")
    if read_back != secret:
        pytest.skip("the keychain does not give keys back")
    yield name
    cleanup = SecretStore(service=name)
    for info in PROVIDERS:
        cleanup.delete(info)


@pytest.fixture
def log_file(paths: AppPaths) -> Iterator[Path]:
    """Everything logged during the test also lands in the profile's log file."""
    handler = logging.FileHandler(paths.log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield paths.log_file
    root.removeHandler(handler)
    root.setLevel(level)
    handler.close()


async def test_a_key_stored_through_the_dialog_survives_a_restart(
    qtbot: QtBot, paths: AppPaths, service: str, fake_test: FakeTest
) -> None:
    key = f"Restart-Key-{uuid.uuid4().hex}"
    first = SettingsEditor(
        PROVIDERS, Settings(paths.settings_file), SecretStore(service=service), fake_test
    )
    dialog = first.dialog
    qtbot.addWidget(dialog)
    await first.wait_loaded()
    editor = dialog.pages["gigachat"].secret_editor
    assert editor is not None
    editor.line_edit.setText(key)
    assert await first.save_and_close()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted

    # "Restart": fresh objects, nothing shared with the first run.
    secrets = SecretStore(service=service)
    assert keyring.get_password(service, "gigachat") == key
    assert secrets.lookup(GIGACHAT) == (key, "keychain")
    config = await Settings(paths.settings_file).aprovider_config(GIGACHAT, secrets)
    assert config["api_key"] == key

    reopened = SettingsEditor(PROVIDERS, Settings(paths.settings_file), secrets, fake_test)
    qtbot.addWidget(reopened.dialog)
    await reopened.wait_loaded()
    shown = reopened.dialog.pages["gigachat"].secret_editor
    assert shown is not None
    assert shown.line_edit.text() == key
    assert shown.source == "keychain"
    shown.remove_button.click()
    assert await reopened.save_and_close()

    assert keyring.get_password(service, "gigachat") is None
    assert SecretStore(service=service).get(GIGACHAT) is None


class ModelsServer:
    """An OpenAI-style /models endpoint on 127.0.0.1 that only answers the expected key."""

    def __init__(self) -> None:
        self.origin = ""
        self.expected = ""
        self.seen: list[str] = []
        self.app = web.Application()
        self.app.router.add_get("/v1/models", self.models)

    async def models(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        self.seen.append(header)
        if not self.expected or header != f"Bearer {self.expected}":
            return web.json_response({"error": {"message": "bad key"}}, status=401)
        return web.json_response({"object": "list", "data": [{"id": "m1"}]})


@pytest.fixture
async def models_server() -> AsyncIterator[ModelsServer]:
    server = ModelsServer()
    async with serve(server.app) as origin:
        server.origin = origin
        yield server


async def check_models(name: str, config: dict[str, str]) -> ConnectionResult:
    """A real request with the configured key, as the app's connection test makes one."""
    headers = {"Authorization": f"Bearer {config.get('api_key', '')}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(config["base_url"] + "/models", headers=headers) as response,
    ):
        if response.status == 200:
            models = (await response.json())["data"]
            return ConnectionResult(ok=True, provider=OPENAI.label, models=len(models))
        error = ErrorInfo("auth", provider=OPENAI.label, status=response.status)
        return ConnectionResult(ok=False, provider=OPENAI.label, error=error)


async def test_a_used_key_is_in_no_file_of_the_profile(
    qtbot: QtBot,
    paths: AppPaths,
    basedir: Path,
    service: str,
    log_file: Path,
    models_server: ModelsServer,
) -> None:
    key = f"Distinctive-Key-{uuid.uuid4().hex}"
    models_server.expected = key
    editor = SettingsEditor(
        PROVIDERS, Settings(paths.settings_file), SecretStore(service=service), check_models
    )
    dialog = editor.dialog
    qtbot.addWidget(dialog)
    dialog.show()
    await editor.wait_loaded()
    page = dialog.pages["openai"]
    assert page.secret_editor is not None
    page.secret_editor.line_edit.setText(key)
    base_url = next(w for w in page.findChildren(QLineEdit) if w.accessibleName() == "Base URL")
    base_url.setText(models_server.origin + "/v1")
    assert await editor.save_and_close()  # OK on the app's loop: keychain call in a thread

    # "Restart", then use the key: the provider config and the Test connection path.
    settings = Settings(paths.settings_file)
    secrets = SecretStore(service=service)
    config = await settings.aprovider_config(OPENAI, secrets)
    assert config == {"base_url": models_server.origin + "/v1", "api_key": key}
    connected = ConnectionResult(ok=True, provider="OpenAI-compatible", models=1)
    assert await check_models("openai", config) == connected
    reopened = SettingsEditor(PROVIDERS, settings, secrets, check_models)
    qtbot.addWidget(reopened.dialog)
    await reopened.wait_loaded()
    await reopened.run_test("openai")
    result = reopened.dialog.pages["openai"].result_label.text()
    assert result == "OpenAI-compatible: connected, 1 models available."
    assert models_server.seen == [f"Bearer {key}"] * 2

    for handler in logging.getLogger().handlers:
        handler.flush()
    scanned = [path for path, _data in profile_bytes(basedir)]
    assert log_file in scanned  # the log is part of the scan
    assert paths.settings_file in scanned
    assert files_containing(basedir, key) == []
    assert key not in repr(secrets)
    assert key not in repr(settings)
