"""The settings dialog, driven like a user would (on the app's loop, in-memory keychain)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from keyring.backends import fail
from keyring.errors import KeyringLocked
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gui.core.keychain import SecretStore
from gui.core.paths import AppPaths
from gui.core.settings import Proxy, Settings
from gui.settings_controller import SettingsEditor
from gui.values import ProviderInfo
from gui.widgets.settings_dialog import FileEditor, SecretEditor, SettingsDialog
from tests.gui.core.conftest import (
    GIGACHAT,
    PROVIDERS,
    FakeTest,
    MemoryKeyring,
    files_containing,
)

#: The offscreen platform's notice when a message box sizes itself; nothing of ours.

KEY = "Dialog-Test-Key-5b1e9c"

MakeDialog = Callable[..., Awaitable[SettingsEditor]]


@pytest.fixture
def make_dialog(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> MakeDialog:
    """Settings… as the app opens it, once the saved keys are shown."""

    async def make(
        *,
        providers: tuple[ProviderInfo, ...] = PROVIDERS,
        settings: Settings = settings,
        secrets: SecretStore = secrets,
    ) -> SettingsEditor:
        editor = SettingsEditor(providers, settings, secrets, fake_test)
        qtbot.addWidget(editor.dialog)
        await editor.wait_loaded()
        return editor

    return make


def secret_editor(editor: SettingsEditor, name: str = "gigachat") -> SecretEditor:
    key = editor.dialog.pages[name].secret_editor
    assert key is not None
    return key


def editor_for(editor: SettingsEditor, name: str, label: str) -> QWidget:
    """The control a user finds by its accessible name on a provider page."""
    matches = [
        w for w in editor.dialog.pages[name].findChildren(QWidget) if w.accessibleName() == label
    ]
    assert len(matches) == 1, [type(w).__name__ for w in matches]
    return matches[0]


def answer_message_box(qtbot: QtBot, dialog: QWidget, button_text: str, seen: list[str]) -> None:
    """When the dialog shows a message box, note its text and press one of its buttons."""

    def press() -> None:
        boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
        if not boxes:
            QTimer.singleShot(10, press)
            return
        box = boxes[0]
        seen.append(box.text())
        for button in box.buttons():
            if button.text() == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, press)


async def test_a_page_per_provider_with_matching_editors(make_dialog: MakeDialog) -> None:
    editor = await make_dialog()
    dialog = editor.dialog

    titles = [dialog.page_list.item(i).text() for i in range(dialog.page_list.count())]
    assert titles == ["General", "GigaChat", "OpenAI-compatible", "GPTalk", "Tools"]

    key = secret_editor(editor)
    assert key.line_edit.echoMode() == QLineEdit.EchoMode.Password
    scope = editor_for(editor, "gigachat", "Scope")
    assert isinstance(scope, QComboBox)
    assert [scope.itemText(i) for i in range(scope.count())] == list(GIGACHAT.fields[1].choices)
    assert scope.currentText() == "GIGACHAT_API_PERS"
    assert isinstance(editor_for(editor, "gigachat", "API base URL"), QLineEdit)
    assert isinstance(editor_for(editor, "gigachat", "Extra CA file").parent(), FileEditor)
    assert dialog.pages["gptalk"].secret_editor is None


async def test_advanced_fields_are_folded_away(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    dialog.show()
    dialog.show_provider("gigachat")
    page = dialog.pages["gigachat"]
    oauth = editor_for(editor, "gigachat", "OAuth URL")
    assert page.advanced_toggle is not None

    assert not oauth.isVisible()
    page.advanced_toggle.click()
    assert oauth.isVisible()
    page.advanced_toggle.click()
    assert not oauth.isVisible()
    assert dialog.pages["openai"].advanced_toggle is None


async def test_every_control_has_an_accessible_name(make_dialog: MakeDialog) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    controls = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QListWidget)
    found = [w for w in dialog.findChildren(QWidget) if isinstance(w, controls)]
    assert len(found) > 20
    unnamed = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for w in dialog.findChildren(QWidget)
        if isinstance(w, controls)
        and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)  # their inner parts
        and not w.accessibleName()
    ]
    assert unnamed == []


async def test_show_reveals_the_key_on_request(make_dialog: MakeDialog) -> None:
    editor = await make_dialog()
    key = secret_editor(editor)
    key.line_edit.setText(KEY)

    key.show_button.click()
    assert key.line_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert key.show_button.text() == "Hide"
    key.show_button.click()
    assert key.line_edit.echoMode() == QLineEdit.EchoMode.Password


async def test_ok_saves_fields_to_the_file_and_the_key_to_the_keychain(
    make_dialog: MakeDialog, paths: AppPaths, memory_keyring: MemoryKeyring, basedir: Path
) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    secret_editor(editor).line_edit.setText(KEY)
    scope = editor_for(editor, "gigachat", "Scope")
    assert isinstance(scope, QComboBox)
    scope.setCurrentText("GIGACHAT_API_B2B")
    base_url = editor_for(editor, "openai", "Base URL")
    assert isinstance(base_url, QLineEdit)
    base_url.setText("http://127.0.0.1:11434/v1")
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.tray_icon.setChecked(True)
    dialog.read_timeout.setValue(90)

    await editor.save_and_close()

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert memory_keyring.entries == {("besedka", "gigachat"): KEY}
    again = Settings(paths.settings_file)
    assert again.field(GIGACHAT, "scope") == "GIGACHAT_API_B2B"
    assert again.field_values(PROVIDERS[1]) == {"base_url": "http://127.0.0.1:11434/v1"}
    assert (again.language, again.theme, again.tray_icon) == ("ru", "dark", True)
    assert again.read_timeout == 90
    assert files_containing(basedir, KEY) == []
    assert "api_key" not in paths.settings_file.read_text(encoding="utf-8")


async def test_cancel_discards_everything(
    make_dialog: MakeDialog, paths: AppPaths, memory_keyring: MemoryKeyring
) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    secret_editor(editor).line_edit.setText(KEY)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))

    dialog.reject()

    assert memory_keyring.entries == {}
    assert not paths.settings_file.exists()


async def test_saved_key_is_shown_masked_and_can_be_removed(
    make_dialog: MakeDialog, secrets: SecretStore, memory_keyring: MemoryKeyring
) -> None:
    secrets.set(GIGACHAT, KEY)
    editor = await make_dialog()
    key = secret_editor(editor)

    assert key.line_edit.text() == KEY
    assert key.line_edit.echoMode() == QLineEdit.EchoMode.Password
    assert key.source == "keychain"
    assert "keychain" in key.source_label.text()

    key.remove_button.click()
    assert key.line_edit.text() == ""
    assert "removed" in key.source_label.text()
    await editor.save_and_close()

    assert memory_keyring.entries == {}
    assert secrets.lookup(GIGACHAT) == (None, None)


async def test_an_unchanged_key_is_not_rewritten(
    make_dialog: MakeDialog, secrets: SecretStore, memory_keyring: MemoryKeyring
) -> None:
    secrets.set(GIGACHAT, KEY)
    writes = memory_keyring.writes
    editor = await make_dialog()
    await editor.save_and_close()
    assert memory_keyring.writes == writes


async def test_a_replaced_key_is_stored(
    make_dialog: MakeDialog, secrets: SecretStore, memory_keyring: MemoryKeyring
) -> None:
    secrets.set(GIGACHAT, "old-key")
    editor = await make_dialog()
    secret_editor(editor).line_edit.setText(f"  {KEY}  ")  # pasted with spaces
    await editor.save_and_close()
    assert memory_keyring.entries[("besedka", "gigachat")] == KEY


async def test_bad_addresses_keep_the_dialog_open_and_save_nothing(
    make_dialog: MakeDialog, paths: AppPaths, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    page = dialog.pages["gigachat"]
    secret_editor(editor).line_edit.setText(KEY)
    base_url = editor_for(editor, "gigachat", "API base URL")
    assert isinstance(base_url, QLineEdit)
    base_url.setText("ftp://gigachat.example")
    ca = editor_for(editor, "gigachat", "Extra CA file")
    assert isinstance(ca, QLineEdit)
    ca.setText(str(tmp_path / "missing.pem"))
    dialog.show_provider("openai")

    await editor.save_and_close()

    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.stack.currentIndex() == 1  # back on the GigaChat page
    assert "http" in page.error_label.text()
    assert "no such file" in page.error_label.text()
    assert not paths.settings_file.exists()
    assert memory_keyring.entries == {}

    base_url.setText("https://gigachat.example/api/v1")
    ca.setText("")
    assert page.error_label.text() == ""
    await editor.save_and_close()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted


async def test_proxy_row(make_dialog: MakeDialog, paths: AppPaths) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    page = dialog.pages["openai"]
    assert not page.proxy_url.isEnabled()

    page.proxy_mode.setCurrentIndex(page.proxy_mode.findData("url"))
    assert page.proxy_url.isEnabled()
    page.proxy_url.setText("socks://nope")
    assert "proxy" in page.error_label.text().lower()
    page.proxy_url.setText("socks5h://127.0.0.1:1080")  # SOCKS is taken as well
    assert page.error_label.text() == ""
    page.proxy_url.setText("http://proxy.test:3128")
    dialog.pages["gigachat"].proxy_mode.setCurrentIndex(
        dialog.pages["gigachat"].proxy_mode.findData("system")
    )
    await editor.save_and_close()

    again = Settings(paths.settings_file)
    assert again.proxy("openai") == Proxy("url", "http://proxy.test:3128")
    assert again.proxy("gigachat") == Proxy("system", "")


async def test_a_proxy_password_is_refused_and_never_saved(
    make_dialog: MakeDialog, paths: AppPaths
) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    page = dialog.pages["openai"]
    page.proxy_mode.setCurrentIndex(page.proxy_mode.findData("url"))
    page.proxy_url.setText("http://alice:s3cr3t-proxy-pass@proxy.test:3128")
    assert "plain text" in page.error_label.text()
    await editor.save_and_close()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert not paths.settings_file.exists() or "s3cr3t-proxy-pass" not in (
        paths.settings_file.read_text(encoding="utf-8")
    )
    with pytest.raises(ValueError, match="never written"):
        Settings(paths.settings_file).set_proxy(
            "openai", Proxy("url", "http://alice:s3cr3t-proxy-pass@proxy.test:3128")
        )
    page.proxy_url.setText("http://alice@proxy.test:3128")  # a user name alone is no secret
    assert page.error_label.text() == ""


async def test_environment_key_is_shown_as_such_and_never_saved(
    make_dialog: MakeDialog,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    secrets: SecretStore,
    memory_keyring: MemoryKeyring,
    basedir: Path,
) -> None:
    env_key = "Env-Only-Key-91c2d4"
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", env_key)
    editor = await make_dialog()
    key = secret_editor(editor)

    assert key.source == "environment"
    assert "GIGACHAT_CREDENTIALS" in key.source_label.text()
    assert env_key not in key.source_label.text()
    assert key.line_edit.text() == ""  # the environment's key is not put in the form
    assert editor.form_config("gigachat")["api_key"] == env_key

    await editor.save_and_close()

    assert (await settings.aprovider_config(GIGACHAT, secrets))["api_key"] == env_key
    assert memory_keyring.entries == {}
    assert files_containing(basedir, env_key) == []


async def test_without_a_keychain_the_key_can_be_kept_for_this_session(
    qtbot: QtBot, make_dialog: MakeDialog, basedir: Path, paths: AppPaths
) -> None:
    secrets = SecretStore(fail.Keyring())
    editor = await make_dialog(secrets=secrets)
    dialog = editor.dialog
    key = secret_editor(editor)
    assert "No system keychain is available" in key.source_label.text()
    key.line_edit.setText(KEY)
    seen: list[str] = []
    answer_message_box(qtbot, dialog, "Keep for this session", seen)

    await editor.save_and_close()

    assert seen == ["No system keychain is available; the key can be kept for this session only."]
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert secrets.lookup(GIGACHAT) == (KEY, "session")
    assert paths.settings_file.exists()
    assert files_containing(basedir, KEY) == []

    reopened = await make_dialog(secrets=secrets)
    assert secret_editor(reopened).source == "session"
    assert "this session only" in secret_editor(reopened).source_label.text()


async def test_without_a_keychain_the_key_can_be_discarded(
    qtbot: QtBot, make_dialog: MakeDialog, basedir: Path
) -> None:
    secrets = SecretStore(fail.Keyring())
    editor = await make_dialog(secrets=secrets)
    dialog = editor.dialog
    secret_editor(editor).line_edit.setText(KEY)
    seen: list[str] = []
    answer_message_box(qtbot, dialog, "Discard the key", seen)

    await editor.save_and_close()

    assert len(seen) == 1
    assert secrets.get(GIGACHAT) is None
    assert files_containing(basedir, KEY) == []


async def test_form_config_uses_unsaved_values(make_dialog: MakeDialog, paths: AppPaths) -> None:
    editor = await make_dialog()
    secret_editor(editor).line_edit.setText(KEY)
    base_url = editor_for(editor, "gigachat", "API base URL")
    assert isinstance(base_url, QLineEdit)
    base_url.setText("https://127.0.0.1:9443/api/v1")

    config = editor.form_config("gigachat")

    assert config["api_key"] == KEY
    assert config["base_url"] == "https://127.0.0.1:9443/api/v1"
    assert config["scope"] == "GIGACHAT_API_PERS"
    assert "proxy" not in config
    assert not paths.settings_file.exists()
    form = editor.dialog.form()  # what the dialog hands the save: the key, never in its repr
    key = form.providers["gigachat"].key
    assert key is not None and (key.text, key.change) == (KEY, "set")
    assert KEY not in repr(form)


async def test_opening_on_a_provider_page(make_dialog: MakeDialog) -> None:
    editor = await make_dialog()
    dialog = editor.dialog
    dialog.show_provider("gptalk")
    assert dialog.page_list.currentItem().text() == "GPTalk"
    dialog.show_provider("unknown")
    assert dialog.page_list.currentItem().text() == "GPTalk"


async def test_the_real_providers_get_pages(make_dialog: MakeDialog) -> None:
    """The dialog is built from plain descriptions; the app's own providers must fit."""
    from gui.core.provider_info import describe_all

    infos = tuple(describe_all())
    editor = await make_dialog(providers=infos)
    dialog = editor.dialog

    assert list(dialog.pages) == [info.name for info in infos]
    for info in infos:
        page = dialog.pages[info.name]
        assert (page.secret_editor is not None) == (info.secret_field is not None)
        assert set(page.values()) == {f.name for f in info.fields if not f.is_secret}


class UndeletableKeyring(MemoryKeyring):
    """A keychain that stores but then refuses to delete (a locked collection)."""

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("collection is locked")


async def test_a_key_the_keychain_will_not_remove_is_reported(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    backend = UndeletableKeyring()
    secrets = SecretStore(backend)
    secrets.set(GIGACHAT, KEY)
    editor = await make_dialog(secrets=secrets)
    dialog = editor.dialog
    secret_editor(editor).remove_button.click()
    seen: list[str] = []
    answer_message_box(qtbot, dialog, "OK", seen)

    await editor.save_and_close()

    assert seen == ["The GigaChat key could not be removed from the system keychain."]
    assert backend.entries == {("besedka", "gigachat"): KEY}


async def test_a_settings_file_that_cannot_be_written_keeps_the_dialog_open(
    qtbot: QtBot, make_dialog: MakeDialog, paths: AppPaths, memory_keyring: MemoryKeyring
) -> None:
    paths.settings_file.mkdir()  # a directory where the file should go: replace() fails
    editor = await make_dialog(settings=Settings(paths.settings_file))
    dialog = editor.dialog
    secret_editor(editor).line_edit.setText(KEY)
    seen: list[str] = []
    answer_message_box(qtbot, dialog, "OK", seen)

    await editor.save_and_close()

    assert seen == ["The settings could not be saved."]
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert memory_keyring.entries == {}  # nothing half-saved


async def test_other_environment_settings_override_for_the_session_only(
    make_dialog: MakeDialog,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    secrets: SecretStore,
    paths: AppPaths,
) -> None:
    monkeypatch.setenv("GIGACHAT_SCOPE", "GIGACHAT_API_CORP")
    editor = await make_dialog()
    dialog = editor.dialog
    note = dialog.pages["gigachat"].env_note
    assert note is not None
    assert "GIGACHAT_SCOPE" in note.text()
    assert dialog.pages["openai"].env_note is None
    assert editor.form_config("gigachat")["scope"] == "GIGACHAT_API_CORP"

    await editor.save_and_close()

    assert (await settings.aprovider_config(GIGACHAT, secrets))["scope"] == "GIGACHAT_API_CORP"
    assert "GIGACHAT_API_CORP" not in paths.settings_file.read_text(encoding="utf-8")
    monkeypatch.delenv("GIGACHAT_SCOPE")
    assert (await Settings(paths.settings_file).aprovider_config(GIGACHAT, secrets))["scope"] == (
        "GIGACHAT_API_PERS"
    )
