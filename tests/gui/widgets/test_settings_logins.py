"""GigaChat's four logins in Settings: the choice in words, only its fields shown, each
secret in its own keychain entry, and Test connection against the emulator for each."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import trustme
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from gui.core.keychain import SecretStore
from gui.core.provider_factory import ProviderFactory
from gui.core.provider_info import describe
from gui.core.settings import Settings
from gui.settings_controller import SettingsEditor
from gui.values import ConnectionResult, ProviderInfo
from providers.gigachat import GigaChat
from tests.gui.core.conftest import MemoryKeyring, files_containing
from tests.servers.gigachat import GigaChatEmulator, run_gigachat
from tests.servers.loopback import client_certificate_context

GIGACHAT = describe(GigaChat)
PASSWORD = "пароль-Settings-4b7e"


class Recording:
    """The app's connection test (the real factory), keeping what it answered."""

    def __init__(self, factory: ProviderFactory) -> None:
        self.factory = factory
        self.results: list[ConnectionResult] = []

    async def __call__(self, name: str, config: dict[str, str]) -> ConnectionResult:
        result = await self.factory.test_connection(name, config)
        self.results.append(result)
        return result


@pytest.fixture
async def tester() -> AsyncIterator[Recording]:
    async with aiohttp.ClientSession() as session:

        async def no_config(info: ProviderInfo) -> dict[str, str]:
            return {}

        yield Recording(ProviderFactory(session, no_config, classes={"gigachat": GigaChat}))


@pytest.fixture
async def emulator(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as running:
        running.users["besedka"] = PASSWORD
        yield running


def number(value: int) -> str:
    """A count as the interface's locale writes it ("900,000" in English)."""
    return QLocale().toString(value)


def control(editor: SettingsEditor, label: str) -> QWidget:
    """The control a person finds by its accessible name on the GigaChat page."""
    page = editor.dialog.pages["gigachat"]
    found = [w for w in page.findChildren(QWidget) if w.accessibleName() == label]
    assert len(found) == 1, label
    return found[0]


def line(editor: SettingsEditor, label: str) -> QLineEdit:
    widget = control(editor, label)
    assert isinstance(widget, QLineEdit)
    return widget


def choose(editor: SettingsEditor, method: str) -> None:
    combo = control(editor, "Login method")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(method))


async def open_editor(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, tester: Recording
) -> SettingsEditor:
    editor = SettingsEditor([GIGACHAT], settings, secrets, tester)
    qtbot.addWidget(editor.dialog)
    editor.dialog.show()
    editor.dialog.show_provider("gigachat")
    await editor.wait_loaded()
    return editor


def point_at(editor: SettingsEditor, emulator: GigaChatEmulator, ca: Path) -> None:
    line(editor, "API base URL").setText(emulator.base_url)
    line(editor, "OAuth URL").setText(emulator.auth_url)
    line(editor, "Extra CA file").setText(str(ca))


async def test_the_login_method_is_a_choice_in_words_and_shows_only_its_fields(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, tester: Recording
) -> None:
    editor = await open_editor(qtbot, settings, secrets, tester)
    combo = control(editor, "Login method")
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Authorization key",
        "Access token",
        "User name and password",
        "Client certificate",
    ]
    assert combo.currentData() == "authorization_key"
    names = (
        "Authorization key",
        "Scope",
        "Access token",
        "User name",
        "Password",
        "Client certificate file",
        "Client key file",
        "Client key password",
    )

    def shown() -> set[str]:
        return {name for name in names if control(editor, name).isVisible()}

    assert shown() == {"Authorization key", "Scope"}
    choose(editor, "password")  # switches at once, no OK needed
    assert shown() == {"User name", "Password"}
    assert not line(editor, "OAuth URL").isVisible()
    choose(editor, "access_token")
    assert shown() == {"Access token"}
    choose(editor, "certificate")
    assert shown() == {"Client certificate file", "Client key file", "Client key password"}
    # A hidden field's problem does not hold up OK: it is not used.
    line(editor, "Client certificate file").setText("/no/such/client.pem")
    assert "no such file" in editor.dialog.pages["gigachat"].error_label.text()
    choose(editor, "password")
    assert editor.dialog.pages["gigachat"].problems() == []


async def test_every_secret_has_its_own_keychain_entry(
    qtbot: QtBot,
    settings: Settings,
    memory_keyring: MemoryKeyring,
    tester: Recording,
    basedir: Path,
) -> None:
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, "a2V5OnNlY3JldA==")  # saved before logins had fields: kept
    editor = await open_editor(qtbot, settings, secrets, tester)
    assert line(editor, "Authorization key").text() == "a2V5OnNlY3JldA=="
    choose(editor, "password")
    line(editor, "User name").setText("besedka")
    line(editor, "Password").setText(PASSWORD)
    line(editor, "Access token").setText("token-kept-for-later")
    assert await editor.save_and_close()

    assert memory_keyring.entries == {
        ("besedka", "gigachat"): "a2V5OnNlY3JldA==",
        ("besedka", "gigachat/password"): PASSWORD,
        ("besedka", "gigachat/access_token"): "token-kept-for-later",
    }
    config = await Settings(settings.path).aprovider_config(GIGACHAT, secrets)
    assert config["auth_method"] == "password"
    assert (config["user"], config["password"]) == ("besedka", PASSWORD)
    assert not {"api_key", "access_token", "scope", "auth_url"} & set(config)  # not this login
    assert files_containing(basedir, PASSWORD) == []

    reopened = await open_editor(qtbot, Settings(settings.path), secrets, tester)
    assert line(reopened, "Password").text() == PASSWORD
    assert line(reopened, "Access token").text() == "token-kept-for-later"


async def test_an_environment_password_overrides_and_is_never_saved(
    qtbot: QtBot,
    settings: Settings,
    memory_keyring: MemoryKeyring,
    tester: Recording,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIGACHAT_PASSWORD", "from-the-environment")
    secrets = SecretStore(memory_keyring)
    secrets.set(GIGACHAT, "saved-password", field="password")
    editor = await open_editor(qtbot, settings, secrets, tester)
    choose(editor, "password")
    password = editor.dialog.pages["gigachat"].secret_editors["password"]
    assert password.source == "environment"
    assert "GIGACHAT_PASSWORD" in password.source_label.text()
    assert editor.form_config("gigachat")["password"] == "from-the-environment"
    assert await editor.save_and_close()
    assert memory_keyring.entries == {("besedka", "gigachat/password"): "saved-password"}


@pytest.mark.parametrize(
    ("method", "wrong"),
    [
        ("authorization_key", "authorization failed"),
        ("password", "the user name or password was refused"),
        ("access_token", "the access token was refused (expired or wrong)"),
    ],
)
async def test_test_connection_for_each_login(
    qtbot: QtBot,
    settings: Settings,
    secrets: SecretStore,
    tester: Recording,
    emulator: GigaChatEmulator,
    test_ca_file: Path,
    method: str,
    wrong: str,
) -> None:
    editor = await open_editor(qtbot, settings, secrets, tester)
    page = editor.dialog.pages["gigachat"]
    point_at(editor, emulator, test_ca_file)
    choose(editor, method)
    right, bad = {
        "authorization_key": ({"Authorization key": emulator.valid_key}, "d3Jvbmc6a2V5"),
        "password": ({"User name": "besedka", "Password": PASSWORD}, "not-the-password"),
        "access_token": ({"Access token": emulator.static_token}, "eyJ-made-up-token"),
    }[method]
    for label, text in right.items():
        line(editor, label).setText(text)

    await editor.run_test("gigachat")
    assert page.result_ok is True, page.result_label.text()
    assert page.result_label.text() == (
        "GigaChat: connected, 13 models available."
        f" Balance (tokens): GigaChat — {number(900000)}; embeddings — {number(9999967)}."
    )

    line(editor, list(right)[-1]).setText(bad)
    await editor.run_test("gigachat")
    assert page.result_ok is False
    assert wrong in page.result_label.text()
    assert bad not in page.result_label.text()
    reasons = {"password": "password_refused", "access_token": "access_token_refused"}
    error = tester.results[-1].error
    assert error is not None and error.reason == reasons.get(method, error.reason)


async def test_a_login_without_its_credential_says_which(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, tester: Recording
) -> None:
    editor = await open_editor(qtbot, settings, secrets, tester)
    choose(editor, "password")
    line(editor, "User name").setText("besedka")
    await editor.run_test("gigachat")
    error = tester.results[-1].error
    assert error is not None and (error.kind, error.reason) == ("missing_key", "no_password_env")
    assert "GIGACHAT_PASSWORD" in editor.dialog.pages["gigachat"].result_label.text()


@pytest.fixture(scope="module")
def client_ca() -> trustme.CA:
    return trustme.CA(organization_name="Besedka Settings clients")


@pytest.fixture
async def mtls(
    server_ssl: ssl.SSLContext, test_ca: trustme.CA, client_ca: trustme.CA
) -> AsyncIterator[GigaChatEmulator]:
    api = client_certificate_context(test_ca.issue_cert("127.0.0.1", "localhost"), client_ca)
    async with run_gigachat(server_ssl, api_ssl=api) as running:
        running.balance_status = 403  # no prepaid package: no balance line
        yield running


def client_files(ca: trustme.CA, folder: Path) -> tuple[Path, Path]:
    leaf = ca.issue_cert("besedka@example.test")
    cert, key = folder / "client.pem", folder / "client.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return cert, key


async def test_test_connection_with_a_client_certificate(
    qtbot: QtBot,
    settings: Settings,
    secrets: SecretStore,
    tester: Recording,
    mtls: GigaChatEmulator,
    client_ca: trustme.CA,
    test_ca_file: Path,
    tmp_path: Path,
) -> None:
    editor = await open_editor(qtbot, settings, secrets, tester)
    page = editor.dialog.pages["gigachat"]
    point_at(editor, mtls, test_ca_file)
    choose(editor, "certificate")
    cert, key = client_files(client_ca, tmp_path)
    line(editor, "Client certificate file").setText(str(cert))
    line(editor, "Client key file").setText(str(key))

    await editor.run_test("gigachat")
    assert page.result_label.text() == "GigaChat: connected, 13 models available."
    assert mtls.cert_requests >= 1 and mtls.oauth_calls == 0

    line(editor, "Client key file").setText(str(cert))  # a certificate, not its key
    await editor.run_test("gigachat")
    assert tester.results[-1].error is not None
    assert tester.results[-1].error.reason == "client_cert_invalid"
    assert page.result_ok is False
